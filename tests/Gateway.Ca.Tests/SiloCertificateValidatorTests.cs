using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Ca.Tests;

/// <summary>Who may talk to a silo in cluster mode: a certificate of this gateway's CA carrying this cluster's identity.</summary>
public sealed class SiloCertificateValidatorTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private static readonly string ClusterUri = SiloCertificateValidator.ClusterUri("gateway", "gateway");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateAuthority _ca = fixture.Ca;

    private SiloCertificateValidator Validator() => new(_ca, ClusterUri, _time);

    private X509Certificate2 Issue(IReadOnlyList<SubjectAltName>? sans = null, IReadOnlyList<string>? ekus = null, DateTimeOffset? notAfter = null)
    {
        IssuedCertificate issued = _ca.Issue(Given.Template(
            subject: Given.Name("CN=gateway silo"),
            sans: sans ?? [SubjectAltName.Uri(ClusterUri)],
            ekus: ekus ?? [ServerAuth, ClientAuth],
            notBefore: _time.Now.AddMinutes(-5),
            notAfter: notAfter ?? _time.Now.AddDays(30)));
        return X509CertificateLoader.LoadCertificate(issued.Der);
    }

    [Fact]
    public void ClusterUri_namesServiceAndCluster()
    {
        Assert.Equal("urn:gateway:cluster:svc-1:blue", SiloCertificateValidator.ClusterUri("svc-1", "blue"));
    }

    [Fact]
    public void Check_certificateOfThisCaWithTheClusterUri_isAccepted()
    {
        using X509Certificate2 certificate = Issue();

        Assert.Null(Validator().Check(certificate));
    }

    [Fact]
    public void Check_noCertificate_isRefused()
    {
        Assert.Equal("no certificate", Validator().Check(null));
    }

    [Fact]
    public void Check_certificateOfAnotherCa_isRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gateway silo", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(ClusterUri));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth), new Oid(ClientAuth)], false));
        using X509Certificate2 selfSigned = request.CreateSelfSigned(_time.Now.AddDays(-1), _time.Now.AddDays(30));

        Assert.StartsWith("it does not chain to this gateway's CA", Validator().Check(selfSigned));
    }

    [Fact]
    public void Check_certificateOfThisCaWithoutTheClusterUri_isRefused()
    {
        using X509Certificate2 certificate = Issue(sans: [SubjectAltName.Dns("device-1.example.com")]);

        Assert.Equal($"it does not carry this cluster's identity ({ClusterUri})", Validator().Check(certificate));
    }

    [Fact]
    public void Check_certificateOfThisCaForAnotherCluster_isRefused()
    {
        using X509Certificate2 certificate = Issue(sans: [SubjectAltName.Uri(SiloCertificateValidator.ClusterUri("gateway", "other"))]);

        Assert.Equal($"it does not carry this cluster's identity ({ClusterUri})", Validator().Check(certificate));
    }

    [Fact]
    public void Check_clusterUriWithAnotherUriBesideIt_isRefused()
    {
        using X509Certificate2 certificate = Issue(sans: [SubjectAltName.Uri(ClusterUri), SubjectAltName.Uri("https://device.example.com/")]);

        Assert.Equal($"it does not carry this cluster's identity ({ClusterUri})", Validator().Check(certificate));
    }

    [Theory]
    [InlineData(ServerAuth)]
    [InlineData(ClientAuth)]
    public void Check_certificateWithoutBothTlsEkus_isRefused(string onlyEku)
    {
        using X509Certificate2 certificate = Issue(ekus: [onlyEku]);

        Assert.Equal("it is not for both TLS server and client authentication", Validator().Check(certificate));
    }

    [Fact]
    public void Check_expiredCertificate_isRefused()
    {
        using X509Certificate2 certificate = Issue(notAfter: _time.Now.AddDays(1));
        _time.Advance(TimeSpan.FromDays(2));

        Assert.StartsWith("it does not chain to this gateway's CA", Validator().Check(certificate));
    }

    [Fact]
    public void CreateChainPolicy_trustsOnlyTheRootAndDownloadsNothing()
    {
        X509ChainPolicy policy = Validator().CreateChainPolicy();

        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.Equal(_ca.RootCertificateDer, Assert.Single(policy.CustomTrustStore).RawData);
        Assert.True(policy.DisableCertificateDownloads);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
    }
}
