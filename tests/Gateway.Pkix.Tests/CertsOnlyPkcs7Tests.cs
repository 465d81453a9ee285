using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;

namespace Gateway.Pkix.Tests;

public sealed class CertsOnlyPkcs7Tests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Encode_one_certificate_is_byte_for_byte_what_BouncyCastle_writes()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = SelfSigned("CN=Test CA", caKey);
        var leaf = Issued(ca, caKey, "CN=device-1");

        var ours = CertsOnlyPkcs7.Encode([leaf]);

        Assert.Equal(BouncyCastleCertsOnly([leaf]), ours);
    }

    [Fact]
    public void Encode_chain_is_byte_for_byte_what_BouncyCastle_writes_and_holds_every_certificate()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = SelfSigned("CN=Test Root", rootKey);
        var issuing = Issued(root, rootKey, "CN=Test Issuing");
        var chain = new[] { issuing, root.RawData };

        var ours = CertsOnlyPkcs7.Encode(chain);

        Assert.Equal(BouncyCastleCertsOnly(chain), ours);
        var parsed = new CmsSignedData(ours);
        Assert.Empty(parsed.GetSignerInfos().GetSigners());
        var certificates = parsed.GetCertificates().EnumerateMatches(null).Select(c => c.GetEncoded()).ToList();
        Assert.Equal(2, certificates.Count);
        Assert.Contains(certificates, c => c.AsSpan().SequenceEqual(issuing));
        Assert.Contains(certificates, c => c.AsSpan().SequenceEqual(root.RawData));
    }

    [Fact]
    public void Encode_no_certificate_is_an_empty_certs_only_structure()
    {
        var ours = CertsOnlyPkcs7.Encode([]);

        Assert.Empty(new CmsSignedData(ours).GetCertificates().EnumerateMatches(null));
        Assert.Equal(BouncyCastleCertsOnly([]), ours);
    }

    [Fact]
    public void Encode_a_certificate_that_is_not_one_DER_value_throws()
    {
        Assert.Throws<ArgumentException>(() => CertsOnlyPkcs7.Encode([[0x30, 0x03, 0x02, 0x01]]));
    }

    private static X509Certificate2 SelfSigned(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(5));
    }

    private static byte[] Issued(X509Certificate2 issuer, ECDsa issuerKey, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), Now.AddDays(-1), Now.AddDays(30), [0x01, 0x02]);
        return certificate.RawData;
    }

    private static byte[] BouncyCastleCertsOnly(IEnumerable<byte[]> certificates)
    {
        var parser = new X509CertificateParser();
        var store = CollectionUtilities.CreateStore(certificates.Select(c => parser.ReadCertificate(c)).ToList());
        var generator = new CmsSignedDataGenerator();
        generator.AddCertificates(store);
        return generator.Generate(new CmsAbsentContent(), false).GetEncoded("DER");
    }

    [Fact]
    public void Encode_with_keepOrder_keeps_the_certificates_in_the_given_order_and_carries_crls()
    {
        using var aKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var bKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var a = SelfSigned("CN=first", aKey);
        using var b = SelfSigned("CN=second", bKey);
        // Given in descending encoding order, so a sorted SET OF would swap them.
        var (first, second) = a.RawData.AsSpan().SequenceCompareTo(b.RawData) > 0 ? (a, b) : (b, a);
        using var issuer = CrlIssuer(aKey);
        var crl = new CertificateRevocationListBuilder().Build(issuer, 1, Now.AddDays(1), HashAlgorithmName.SHA256, thisUpdate: Now);

        var encoded = CertsOnlyPkcs7.Encode([first.RawData, second.RawData], [crl], keepOrder: true);

        var signed = new CmsSignedData(encoded);
        var certificates = signed.GetCertificates().EnumerateMatches(null).ToList();
        Assert.Equal(first.RawData, certificates[0].GetEncoded());
        Assert.Equal(second.RawData, certificates[1].GetEncoded());
        Assert.Single(signed.GetCrls().EnumerateMatches(null));
        var sorted = new CmsSignedData(CertsOnlyPkcs7.Encode([first.RawData, second.RawData])).GetCertificates().EnumerateMatches(null).ToList();
        Assert.Equal(second.RawData, sorted[0].GetEncoded());
    }

    private static X509Certificate2 CrlIssuer(ECDsa key)
    {
        var request = new CertificateRequest("CN=CRL issuer", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
    }
}
