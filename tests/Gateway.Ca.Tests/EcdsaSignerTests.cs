using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gateway.Ca.Tests;

/// <summary>
/// The CA's ECDSA signer: signatures through OpenSSL directly (<see cref="OpenSslEcdsaKey"/>) where it loads, verified
/// by the BCL with the same key, in the DER form X.509 carries, from many threads at once; and the BCL path where the
/// key cannot be exported.
/// </summary>
public sealed class EcdsaSignerTests
{
    public static TheoryData<string> Curves => ["P-256", "P-384", "P-521"];

    private static ECDsa NewKey(string curve) => ECDsa.Create(curve switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    });

    [Theory]
    [MemberData(nameof(Curves))]
    public void Signatures_verify_with_the_same_key_and_are_DER_sequences_of_two_integers(string curve)
    {
        using var key = NewKey(curve);
        using var signer = new EcdsaSigner(key, ownsKey: false);
        Assert.Equal(OperatingSystem.IsLinux(), signer.DirectSigning);

        var data = RandomNumberGenerator.GetBytes(700);
        var signature = signer.Sign(data);
        Assert.True(key.VerifyData(data, signature, signer.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence));
        var sequence = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        Assert.True(sequence.ReadInteger() > 0);
        Assert.True(sequence.ReadInteger() > 0);
        Assert.False(sequence.HasData);

        // Another message does not verify under this signature; a second signature of the same data differs (a fresh nonce).
        data[0] ^= 1;
        Assert.False(key.VerifyData(data, signature, signer.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence));
        data[0] ^= 1;
        Assert.NotEqual(signature, signer.Sign(data));
    }

    [Fact]
    public void Concurrent_signatures_all_verify()
    {
        using var key = NewKey("P-256");
        using var signer = new EcdsaSigner(key, ownsKey: false);
        var failures = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var data = BitConverter.GetBytes(i);
            if (!key.VerifyData(data, signer.Sign(data), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_key_that_cannot_be_exported_signs_through_the_BCL()
    {
        using var inner = NewKey("P-256");
        using var key = new NoExport(inner);
        using var signer = new EcdsaSigner(key, ownsKey: false);
        Assert.False(signer.DirectSigning);
        var data = "tbs"u8.ToArray();
        Assert.True(inner.VerifyData(data, signer.Sign(data), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_disposed_signer_refuses_to_sign()
    {
        using var key = NewKey("P-256");
        var signer = new EcdsaSigner(key, ownsKey: false);
        signer.Dispose();
        if (signer.DirectSigning) Assert.Throws<ObjectDisposedException>(() => signer.Sign("tbs"u8));
    }

    /// <summary>An ECDsa whose private key cannot be exported (as an HSM's), delegating everything else.</summary>
    private sealed class NoExport(ECDsa inner) : ECDsa
    {
        public override int KeySize { get => inner.KeySize; set => inner.KeySize = value; }
        public override KeySizes[] LegalKeySizes => inner.LegalKeySizes;
        public override ECParameters ExportParameters(bool includePrivateParameters) =>
            includePrivateParameters ? throw new CryptographicException("not exportable") : inner.ExportParameters(false);
        public override ECParameters ExportExplicitParameters(bool includePrivateParameters) =>
            includePrivateParameters ? throw new CryptographicException("not exportable") : inner.ExportExplicitParameters(false);
        public override bool TryExportECPrivateKey(Span<byte> destination, out int bytesWritten) => throw new CryptographicException("not exportable");
        public override byte[] SignHash(byte[] hash) => inner.SignHash(hash);
        public override bool VerifyHash(byte[] hash, byte[] signature) => inner.VerifyHash(hash, signature);
        protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
            hashAlgorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(data.AsSpan(offset, count)) : throw new NotSupportedException();
        public override byte[] ExportSubjectPublicKeyInfo() => inner.ExportSubjectPublicKeyInfo();
    }
}
