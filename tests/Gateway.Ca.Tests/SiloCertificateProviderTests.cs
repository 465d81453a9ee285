using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Ca.Tests;

/// <summary>Each node's silo certificate for cluster TLS: issued by the gateway's CA for this cluster, renewed before expiry.</summary>
public sealed class SiloCertificateProviderTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private static readonly string ClusterUri = SiloCertificateValidator.ClusterUri("gateway", "blue");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateAuthority _ca = fixture.Ca;

    private readonly ListRecorder _recorder = new();

    private SiloCertificateProvider Provider() => new(_ca, _recorder, ClusterUri, NullLogger<SiloCertificateProvider>.Instance, _time);

    [Fact]
    public void GetCertificate_first_isAcceptedByThisClustersValidatorAndHasItsKey()
    {
        using SiloCertificateProvider provider = Provider();

        X509Certificate2 certificate = provider.GetCertificate();

        Assert.True(certificate.HasPrivateKey);
        Assert.Null(new SiloCertificateValidator(_ca, ClusterUri, _time).Check(certificate));
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, SiloCertificateProvider.Lifetime.TotalDays, SiloCertificateProvider.Lifetime.TotalDays + 0.01);
    }

    [Fact]
    public void GetCertificate_first_isRefusedByAnotherClustersValidator()
    {
        using SiloCertificateProvider provider = Provider();

        X509Certificate2 certificate = provider.GetCertificate();

        Assert.NotNull(new SiloCertificateValidator(_ca, SiloCertificateValidator.ClusterUri("gateway", "green"), _time).Check(certificate));
    }

    [Fact]
    public void GetCertificate_beforeTwoThirdsOfItsLifetime_returnsTheSameCertificate()
    {
        using SiloCertificateProvider provider = Provider();
        X509Certificate2 first = provider.GetCertificate();

        _time.Advance(SiloCertificateProvider.Lifetime / 2);

        Assert.Same(first, provider.GetCertificate());
    }

    [Fact]
    public void GetCertificate_afterTwoThirdsOfItsLifetime_renews()
    {
        using SiloCertificateProvider provider = Provider();
        byte[] first = provider.GetCertificate().RawData;

        _time.Advance(SiloCertificateProvider.Lifetime * 3 / 4);
        X509Certificate2 renewed = provider.GetCertificate();

        Assert.NotEqual(first, renewed.RawData);
        Assert.Null(new SiloCertificateValidator(_ca, ClusterUri, _time).Check(renewed));
        Assert.Equal(renewed.RawData, provider.GetCertificateContext().TargetCertificate.RawData);
    }

    [Fact]
    public void GetCertificate_new_certificate_is_recorded_as_silo()
    {
        using var provider = Provider();

        var certificate = provider.GetCertificate();

        var (recorded, role, _) = Assert.Single(_recorder.Recorded);
        Assert.Equal(GatewayCertificates.Silo, role);
        Assert.Equal(certificate.RawData, recorded.Der);
    }

    [Fact]
    public void GetCertificate_when_the_store_cannot_record_it_fails()
    {
        _recorder.Fail = true;
        using var provider = Provider();

        Assert.Throws<InvalidOperationException>(() => provider.GetCertificate());
    }
}
