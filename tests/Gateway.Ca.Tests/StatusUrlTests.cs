using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Ca.Tests;

/// <summary>CRL distribution point and authority information access in issued certificates (Gateway:PublicBaseUrl).</summary>
public sealed class StatusUrlTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Issue_withPublicBaseUrl_writesCdpAndAiaUnderIt()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.PublicBaseUrl = "https://pki.example.test/"));

        IssuedCertificate issued = ca.Issue(Given.Template());

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal(["https://pki.example.test/crl/default.crl"], CrlDistributionPointUris(certificate));
        var aia = Assert.Single(certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.False(aia.Critical);
        Assert.Equal(["https://pki.example.test/ocsp"], aia.EnumerateOcspUris());
        Assert.Equal(["https://pki.example.test/ca/default.crt"], aia.EnumerateCAIssuersUris());
        Assert.Equal(new IssuerUrls("https://pki.example.test/crl/default.crl", "https://pki.example.test/ocsp", "https://pki.example.test/ca/default.crt"),
            ca.GetIssuerUrls("default"));
        Given.AssertVerifies(ca, issued);
    }

    [Fact]
    public void Issue_withoutAnyBaseUrl_writesNeitherExtension()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(ca.Issue(Given.Template()).Der);

        Assert.DoesNotContain(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value is "2.5.29.31" or "1.3.6.1.5.5.7.1.1");
        Assert.Null(ca.GetIssuerUrls("default"));
    }

    [Fact]
    public void Issue_baseUrlFromSource_followsTheSourceOnceItKnowsOne()
    {
        var source = new Source();
        using CertificateAuthority ca = new(Microsoft.Extensions.Options.Options.Create(Given.Options(_dir)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CertificateAuthority>.Instance, TimeProvider.System, source);

        using X509Certificate2 before = X509CertificateLoader.LoadCertificate(ca.Issue(Given.Template()).Der);
        source.Url = "http://127.0.0.1:5000";
        using X509Certificate2 after = X509CertificateLoader.LoadCertificate(ca.Issue(Given.Template()).Der);

        Assert.Empty(CrlDistributionPointUris(before));
        Assert.Equal(["http://127.0.0.1:5000/crl/default.crl"], CrlDistributionPointUris(after));
    }

    [Fact]
    public void Issue_configuredBaseUrl_winsOverTheSource()
    {
        using CertificateAuthority ca = new(
            Microsoft.Extensions.Options.Options.Create(Given.Options(_dir, o => o.PublicBaseUrl = "https://pki.example.test")),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CertificateAuthority>.Instance, TimeProvider.System, new Source { Url = "http://other:1" });

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(ca.Issue(Given.Template()).Der);

        Assert.Equal(["https://pki.example.test/crl/default.crl"], CrlDistributionPointUris(certificate));
    }

    [Fact]
    public void Issue_templateWithOwnCdpAndAia_theCasWin()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.PublicBaseUrl = "https://pki.example.test"));
        byte[] foreignAia = new X509AuthorityInformationAccessExtension(["http://evil.test/ocsp"], ["http://evil.test/ca.crt"]).RawData;
        byte[] foreignCdp = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://evil.test/crl"]).RawData;

        IssuedCertificate issued = ca.Issue(Given.Template(extensions: [
            new ExtensionData("1.3.6.1.5.5.7.1.1", false, foreignAia),
            new ExtensionData("2.5.29.31", false, foreignCdp),
        ]));

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == "2.5.29.31");
        Assert.Equal(["https://pki.example.test/ocsp"], Assert.Single(certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>()).EnumerateOcspUris());
        Assert.Equal(["https://pki.example.test/crl/default.crl"], CrlDistributionPointUris(certificate));
    }

    [Theory]
    [InlineData("ftp://pki.example.test")]
    [InlineData("pki.example.test")]
    [InlineData("https://pki.example.test/?x=1")]
    [InlineData("https://pki.example.test/#frag")]
    [InlineData("https://user:pw@pki.example.test")]
    [InlineData("https://pkí.example.test")]
    public void Options_unusablePublicBaseUrl_failsNamingTheOption(string url)
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Given.Ca(Given.Options(_dir, o => o.PublicBaseUrl = url)));

        Assert.Contains("Gateway:PublicBaseUrl", ex.Message);
    }

    /// <summary>The URIs of the fullName of every DistributionPoint, read with AsnReader (.NET has no CDP type).</summary>
    internal static List<string> CrlDistributionPointUris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        X509Extension? extension = certificate.Extensions.Cast<X509Extension>().SingleOrDefault(e => e.Oid!.Value == "2.5.29.31");
        if (extension is null)
        {
            return uris;
        }

        Assert.False(extension.Critical);
        AsnReader points = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (points.HasData)
        {
            AsnReader point = points.ReadSequence();
            AsnReader name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            AsnReader fullName = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            while (fullName.HasData)
            {
                uris.Add(fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
            }
        }

        return uris;
    }

    private sealed class Source : IPublicBaseUrlSource
    {
        public string? Url { get; set; }

        public string? GetPublicBaseUrl() => Url;
    }
}
