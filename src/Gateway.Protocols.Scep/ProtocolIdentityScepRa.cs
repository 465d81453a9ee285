using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Scep;

/// <summary>The RA over the gateway's protocol identities: one for signing CertReps and one clients encrypt to (the same one unless configured apart).</summary>
public sealed class ProtocolIdentityScepRa(IProtocolIdentity signing, IProtocolIdentity encryption) : IScepRa
{
    public X509Certificate2 SigningCertificate => signing.Certificate;

    public X509Certificate2 EncryptionCertificate => encryption.Certificate;

    public byte[] Sign(byte[] data, HashAlgorithmName hash) => signing.Sign(data, hash);

    public bool TryDecryptKey(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key) =>
        encryption.TryDecrypt(recipientIssuer, recipientSerial, encryptedKey, padding, out key);
}
