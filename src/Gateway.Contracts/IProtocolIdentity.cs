using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Contracts;

/// <summary>
/// A certificate the gateway's CA issued to the gateway for one protocol role (the SCEP RA, the CMP responder, ...), with
/// its key kept where it was made (Ca today, an HSM later): callers get the certificate and ask for signatures and key
/// unwrapping, never the key. Rotated before expiry; an earlier certificate still valid keeps decrypting what clients
/// encrypted to it.
/// </summary>
public interface IProtocolIdentity
{
    /// <summary>The role, e.g. <c>scep-ra</c>; the certificate is recorded in the store under profile <c>gateway:&lt;role&gt;</c>.</summary>
    string Role { get; }

    /// <summary>The current certificate (public part only).</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>A signature of <paramref name="data"/> with the current key (RSA PKCS#1 v1.5, or ECDSA as a DER SEQUENCE).</summary>
    byte[] Sign(byte[] data, HashAlgorithmName hash);

    /// <summary>
    /// Unwraps an RSA-encrypted content-encryption key addressed to one of this identity's certificates (current or earlier,
    /// still valid) by issuer (DER name) and serial (unsigned big-endian, no leading zeros); false when none matches or it does not unwrap.
    /// </summary>
    bool TryDecrypt(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key);
}
