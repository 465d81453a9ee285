using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Common.Tests;

/// <summary>Small P-256 CAs and leaf certificates made in memory for a test.</summary>
internal static class TestCertificates
{
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public static X509Certificate2 Ca(string name, DateTimeOffset notBefore, DateTimeOffset notAfter, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null) return request.CreateSelfSigned(notBefore, notAfter);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var ca = request.Create(issuer, notBefore, notAfter, Serial());
        return ca.CopyWithPrivateKey(key);
    }

    /// <summary>A leaf with the given EKUs (none: no EKU extension) and, optionally, an AIA caIssuers URL.</summary>
    public static X509Certificate2 Leaf(X509Certificate2 issuer, string name, DateTimeOffset notBefore, DateTimeOffset notAfter,
        string[]? ekus = null, string? caIssuersUrl = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (ekus is { Length: > 0 })
        {
            var oids = new OidCollection();
            foreach (var eku in ekus) oids.Add(new Oid(eku));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }
        if (caIssuersUrl is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [caIssuersUrl]));
        }
        using var leaf = request.Create(issuer, notBefore, notAfter, Serial());
        return leaf.CopyWithPrivateKey(key);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }
}
