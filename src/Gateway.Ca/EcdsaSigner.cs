using System.Security.Cryptography;

namespace Gateway.Ca;

/// <summary>
/// An <see cref="ISigner"/> over an in-memory ECDSA key. The hash follows the curve: P-256 → ecdsa-with-SHA256,
/// P-384 → ecdsa-with-SHA384, P-521 → ecdsa-with-SHA512. Signatures are DER ECDSA-Sig-Value (RFC 3279).
/// </summary>
public sealed class EcdsaSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;
    private readonly bool _ownsKey;

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
    }

    public HashAlgorithmName HashAlgorithm { get; }

    public byte[] SignatureAlgorithmIdentifier { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The key, for code that needs to hand it to another API (e.g. an X509SignatureGenerator).</summary>
    internal ECDsa Key => _key;

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
