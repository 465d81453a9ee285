using System.Security.Cryptography;
using Gateway.Pkix.Csr;

namespace Gateway.Pkix.Tests;

/// <summary>The CSR signature check through OpenSSL's EC functions agrees with the BCL, and refuses what it must.</summary>
public sealed class EcdsaVerifierTests
{
    public static TheoryData<string, string> CurvesAndHashes => new()
    {
        { NamedCurves.P256, "SHA256" }, { NamedCurves.P256, "SHA384" }, { NamedCurves.P384, "SHA384" }, { NamedCurves.P384, "SHA256" },
        { NamedCurves.P521, "SHA512" }, { NamedCurves.P521, "SHA256" },
    };

    private static ECCurve Curve(string name) => name switch
    {
        NamedCurves.P256 => ECCurve.NamedCurves.nistP256,
        NamedCurves.P384 => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };

    private static byte[] Sign(ECDsa key, byte[] data, HashAlgorithmName hash) => key.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>The key's uncompressed point, as a CSR's subjectPublicKey carries it.</summary>
    private static byte[] Point(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    [Fact]
    public void Direct_verification_is_used_on_this_linux_machine()
    {
        // CI runs on Debian with OpenSSL 3: the path measured is the path tested.
        Assert.True(EcdsaVerifier.DirectVerification);
    }

    [Theory]
    [MemberData(nameof(CurvesAndHashes))]
    public void Agrees_with_the_bcl_on_good_and_bad_signatures(string curve, string hashName)
    {
        var hash = new HashAlgorithmName(hashName);
        using var key = ECDsa.Create(Curve(curve));
        using var other = ECDsa.Create(Curve(curve));
        var data = "certification request info"u8.ToArray();
        var signature = Sign(key, data, hash);
        var point = Point(key);

        Assert.True(EcdsaVerifier.TryVerify(curve, point, hash, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(curve, point, hash, "tampered"u8, signature));
        Assert.False(EcdsaVerifier.TryVerify(curve, Point(other), hash, data, signature));
        var flipped = (byte[])signature.Clone();
        flipped[^1] ^= 0x01;
        Assert.Equal(key.VerifyData(data, flipped, hash, DSASignatureFormat.Rfc3279DerSequence), EcdsaVerifier.TryVerify(curve, point, hash, data, flipped));
    }

    [Fact]
    public void A_point_off_the_curve_or_at_infinity_or_compressed_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "x"u8.ToArray();
        var signature = Sign(key, data, HashAlgorithmName.SHA256);
        var offCurve = Point(key);
        offCurve[^1] ^= 0x01;
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, offCurve, HashAlgorithmName.SHA256, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, [0x00], HashAlgorithmName.SHA256, data, signature));
        var p = key.ExportParameters(false);
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, [(byte)(0x02 | (p.Q.Y![^1] & 1)), .. p.Q.X!], HashAlgorithmName.SHA256, data, signature));
    }

    [Fact]
    public void Malformed_points_and_signatures_are_false_not_exceptions()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "x"u8.ToArray();
        var signature = Sign(key, data, HashAlgorithmName.SHA256);
        var point = Point(key);
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, [.. point, 0x00], HashAlgorithmName.SHA256, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point.AsSpan(0, point.Length - 3), HashAlgorithmName.SHA256, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, [], HashAlgorithmName.SHA256, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, []));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, signature.AsSpan(0, signature.Length - 1)));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, [.. signature, 0x00]));
        // The raw (IEEE P1363) form is not an ECDSA-Sig-Value.
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data,
            key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
        // A P-256 key claimed to be on P-384: its point does not decode there.
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P384, point, HashAlgorithmName.SHA256, data, signature));
    }

    [Fact]
    public void Other_curves_and_hashes_are_left_to_the_bcl()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "x"u8.ToArray();
        var signature = Sign(key, data, HashAlgorithmName.SHA1);
        var point = Point(key);
        Assert.Null(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA1, data, signature));
        Assert.Null(EcdsaVerifier.TryVerify("brainpoolP256r1", point, HashAlgorithmName.SHA256, data, signature));
        Assert.Null(EcdsaVerifier.TryVerify(null, point, HashAlgorithmName.SHA256, data, signature));
    }

    [Fact]
    public void Concurrent_verifications_agree()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToArray();
        var data = "parallel"u8.ToArray();
        var cases = keys.Select(k => (Point: Point(k), Signature: Sign(k, data, HashAlgorithmName.SHA256))).ToArray();
        Parallel.For(0, 2000, i =>
        {
            var (point, signature) = cases[i % cases.Length];
            var (_, foreign) = cases[(i + 1) % cases.Length];
            Assert.True(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, signature));
            Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, foreign));
        });
        foreach (var k in keys) k.Dispose();
    }

    [Fact]
    public void A_refused_point_after_a_good_key_on_the_same_thread_does_not_verify_with_the_earlier_key()
    {
        // The verifier reuses one EC_KEY per curve and thread: a point it refuses must not leave the previous
        // request's public key in place for a signature made by that key.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "reuse"u8.ToArray();
        var signature = Sign(key, data, HashAlgorithmName.SHA256);
        var point = Point(key);
        Assert.True(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, signature));
        var offCurve = (byte[])point.Clone();
        offCurve[^1] ^= 0x01;
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, offCurve, HashAlgorithmName.SHA256, data, signature));
        Assert.False(EcdsaVerifier.TryVerify(NamedCurves.P256, [0x04, 0x01], HashAlgorithmName.SHA256, data, signature));
        // Each curve keeps its own key: a P-384 verification between two P-256 ones changes neither.
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.True(EcdsaVerifier.TryVerify(NamedCurves.P384, Point(other), HashAlgorithmName.SHA384, data, Sign(other, data, HashAlgorithmName.SHA384)));
        Assert.True(EcdsaVerifier.TryVerify(NamedCurves.P256, point, HashAlgorithmName.SHA256, data, signature));
    }
}
