using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Protocols.Scep;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>An RA over an in-memory RSA key, for tests.</summary>
internal sealed class TestRa(X509Certificate2 certificate, RSA key) : IScepRa
{
    public X509Certificate2 SigningCertificate { get; } = certificate;

    public X509Certificate2 EncryptionCertificate { get; } = certificate;

    public int Decryptions { get; private set; }

    public static TestRa FromTestdata()
    {
        var certificate = X509CertificateLoader.LoadCertificateFromFile(Testdata.Path("scepclient-ra.pem"));
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Testdata.Path("scepclient-ra.key")));
        return new TestRa(X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }

    public static TestRa Generate(string subject = "CN=Test SCEP RA")
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return new TestRa(X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }

    public byte[] Sign(byte[] data, HashAlgorithmName hash) => key.SignData(data, hash, RSASignaturePadding.Pkcs1);

    public bool TryDecryptKey(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] decrypted)
    {
        decrypted = [];
        if (!recipientIssuer.AsSpan().SequenceEqual(EncryptionCertificate.IssuerName.RawData)
            || !recipientSerial.AsSpan().SequenceEqual(EncryptionCertificate.SerialNumberBytes.Span.TrimStart((byte)0)))
            return false;
        try
        {
            decrypted = key.Decrypt(encryptedKey, padding);
            Decryptions++;
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
