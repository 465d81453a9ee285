using System.Security.Cryptography;

namespace Gateway.Ca;

/// <summary>
/// An <see cref="ISigner"/> over an in-memory RSA key with PKCS#1 v1.5 padding. The hash follows the key size:
/// sha256WithRSAEncryption below 4096 bits, sha384WithRSAEncryption from 4096 bits (the strength of a 4096-bit key
/// is above SHA-256's 128 bits; every X.509 client we target verifies SHA-384 RSA signatures).
/// </summary>
public sealed class RsaSigner : ISigner, IDisposable
{
    private readonly RSA _key;
    private readonly bool _ownsKey;

    public RsaSigner(RSA key, bool ownsKey = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize < 2048)
        {
            throw new ArgumentException($"RSA keys of {key.KeySize} bits are too small to sign certificates (minimum 2048).", nameof(key));
        }

        _key = key;
        _ownsKey = ownsKey;
        (HashAlgorithm, SignatureAlgorithmIdentifier) = key.KeySize >= 4096
            ? (HashAlgorithmName.SHA384, AlgorithmIdentifiers.Sha384WithRsa)
            : (HashAlgorithmName.SHA256, AlgorithmIdentifiers.Sha256WithRsa);
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
    }

    public HashAlgorithmName HashAlgorithm { get; }

    public byte[] SignatureAlgorithmIdentifier { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    internal RSA Key => _key;

    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithm, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
