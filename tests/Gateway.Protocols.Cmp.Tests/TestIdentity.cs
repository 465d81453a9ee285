using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Cmp.Tests;

/// <summary>A self-signed RSA responder identity for the tests.</summary>
internal sealed class TestIdentity : IProtocolIdentity
{
    private readonly RSA _key = RSA.Create(2048);

    public TestIdentity()
    {
        var request = new CertificateRequest("CN=Test CMP Responder", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = X509CertificateLoader.LoadCertificate(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)).RawData);
    }

    public string Role => "cmp-responder";

    public X509Certificate2 Certificate { get; }

    public byte[] Sign(byte[] data, HashAlgorithmName hash) => _key.SignData(data, hash, RSASignaturePadding.Pkcs1);

    public bool TryDecrypt(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key)
    {
        key = [];
        return false;
    }
}
