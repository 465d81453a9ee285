using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Protocols.Scep;

namespace Gateway.Server.Hosting;

/// <summary>
/// PROVISIONAL: an RA for SCEP with an in-memory RSA key and a certificate issued at start, until the protocol identity
/// (IProtocolIdentity, issue 12 item 6) replaces it. It is not recorded in the store and not renewed.
/// </summary>
internal sealed class ProvisionalScepRa : IScepRa, IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    public ProvisionalScepRa(ICertificateAuthority ca, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Gateway");
        subject.AddCommonName("Gateway SCEP RA");
        var issued = ca.Issue(new CertificateTemplate(ca.DefaultIssuerId, subject.Build().RawData, _key.ExportSubjectPublicKeyInfo(), [],
            now.AddMinutes(-5), now.AddDays(30), (int)(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment), [], [], []));
        SigningCertificate = X509CertificateLoader.LoadCertificate(issued.Der);
    }

    public X509Certificate2 SigningCertificate { get; }

    public X509Certificate2 EncryptionCertificate => SigningCertificate;

    public byte[] Sign(byte[] data, HashAlgorithmName hash) => _key.SignData(data, hash, RSASignaturePadding.Pkcs1);

    public bool TryDecryptKey(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key)
    {
        key = [];
        if (!recipientIssuer.AsSpan().SequenceEqual(SigningCertificate.IssuerName.RawData)
            || !recipientSerial.AsSpan().SequenceEqual(SigningCertificate.SerialNumberBytes.Span.TrimStart((byte)0))) return false;
        try
        {
            key = _key.Decrypt(encryptedKey, padding);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
