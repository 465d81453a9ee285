using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Scep;

/// <summary>
/// What SCEP needs of its registration authority: the certificates it hands out in GetCACert, a signature for CertRep
/// and the decryption of the content-encryption key a client wrapped for it. The keys stay with the implementation.
/// </summary>
public interface IScepRa
{
    /// <summary>The certificate whose key signs CertRep messages (digitalSignature).</summary>
    X509Certificate2 SigningCertificate { get; }

    /// <summary>The certificate clients encrypt to (keyEncipherment); the signing certificate when one key does both.</summary>
    X509Certificate2 EncryptionCertificate { get; }

    /// <summary>An RSA PKCS#1 v1.5 signature of <paramref name="data"/> with the signing key.</summary>
    byte[] Sign(byte[] data, HashAlgorithmName hash);

    /// <summary>
    /// Unwraps a content-encryption key wrapped for the RA certificate with issuer and serial
    /// <paramref name="recipientIssuer"/>/<paramref name="recipientSerial"/> (the current or an earlier encryption certificate);
    /// false when no such certificate belongs to the RA or the key does not unwrap.
    /// </summary>
    bool TryDecryptKey(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key);
}
