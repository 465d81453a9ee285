using System.Security.Cryptography;

namespace Gateway.Ca;

/// <summary>
/// An <see cref="ISigner"/> over an in-memory ECDSA key. The hash follows the curve: P-256 → ecdsa-with-SHA256,
/// P-384 → ecdsa-with-SHA384, P-521 → ecdsa-with-SHA512. Signatures are DER ECDSA-Sig-Value (RFC 3279). Where OpenSSL
/// allows, signatures are made by <see cref="OpenSslEcdsaKey"/> (the same key, without the BCL's per-signature setup).
/// </summary>
public sealed class EcdsaSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;
    private readonly bool _ownsKey;
    private readonly OpenSslEcdsaKey? _direct;

    public EcdsaSigner(ECDsa key, bool ownsKey = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _ownsKey = ownsKey;
        (HashAlgorithm, SignatureAlgorithmIdentifier) = key.KeySize switch
        {
            256 => (HashAlgorithmName.SHA256, AlgorithmIdentifiers.EcdsaWithSha256),
            384 => (HashAlgorithmName.SHA384, AlgorithmIdentifiers.EcdsaWithSha384),
            521 => (HashAlgorithmName.SHA512, AlgorithmIdentifiers.EcdsaWithSha512),
            _ => throw new ArgumentException($"ECDSA keys of {key.KeySize} bits are not supported (P-256, P-384, P-521).", nameof(key)),
        };
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        _direct = OpenSslEcdsaKey.TryCreate(key, HashAlgorithm);
    }

    /// <summary>Whether signatures go through <see cref="OpenSslEcdsaKey"/> (false: the BCL's <see cref="ECDsa.SignData(byte[], HashAlgorithmName)"/>).</summary>
    internal bool DirectSigning => _direct is not null;

    public HashAlgorithmName HashAlgorithm { get; }

    public byte[] SignatureAlgorithmIdentifier { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The key, for code that needs to hand it to another API (e.g. an X509SignatureGenerator).</summary>
    internal ECDsa Key => _key;

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _direct?.SignData(data, HashAlgorithm) ?? _key.SignData(data, HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        _direct?.Dispose();
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
