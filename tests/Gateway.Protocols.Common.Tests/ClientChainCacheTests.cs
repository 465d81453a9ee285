using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Common.Tests;

/// <summary>
/// The per-connection chain cache. To tell a cached answer from a fresh one, the tests empty the anchor collection
/// (in place: same instance) for another CA after the first answer: a rebuilt chain then fails, a cached answer still says yes.
/// </summary>
public sealed class ClientChainCacheTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2 _ca = TestCertificates.Ca("Manufacturer CA", Now.AddDays(-10), Now.AddYears(1));
    private readonly X509Certificate2 _other = TestCertificates.Ca("Other CA", Now.AddDays(-10), Now.AddYears(1));

    [Fact]
    public void ChainsTo_same_certificate_instance_and_anchors_answers_from_the_cache()
    {
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), Now.AddDays(30));
        var anchors = new X509Certificate2Collection(_ca);

        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now));
        anchors.Clear();
        anchors.Add(_other);

        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now.AddSeconds(30)));
    }

    [Fact]
    public void ChainsTo_after_MaxAge_builds_the_chain_again()
    {
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), Now.AddDays(30));
        var anchors = new X509Certificate2Collection(_ca);
        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now));
        anchors.Clear();
        anchors.Add(_other);

        Assert.False(ClientChains.ChainsTo(device, anchors, [], Now + ClientChainCache.MaxAge));
    }

    [Fact]
    public void ChainsTo_another_instance_of_the_same_certificate_builds_the_chain_again()
    {
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), Now.AddDays(30));
        using var sameBytes = X509CertificateLoader.LoadCertificate(device.RawData);
        var anchors = new X509Certificate2Collection(_ca);
        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now));
        anchors.Clear();
        anchors.Add(_other);

        Assert.False(ClientChains.ChainsTo(sameBytes, anchors, [], Now));
    }

    [Fact]
    public void ChainsTo_other_anchor_collection_is_a_separate_question()
    {
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), Now.AddDays(30));
        var trusted = new X509Certificate2Collection(_ca);
        var untrusted = new X509Certificate2Collection(_other);

        Assert.True(ClientChains.ChainsTo(device, trusted, [], Now));
        Assert.False(ClientChains.ChainsTo(device, untrusted, [], Now));
        Assert.True(ClientChains.ChainsTo(device, trusted, [], Now));
    }

    [Fact]
    public void ChainsTo_is_not_answered_from_the_cache_past_the_certificates_notAfter()
    {
        var notAfter = Now.AddSeconds(20);
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), notAfter);
        var anchors = new X509Certificate2Collection(_ca);

        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now));
        Assert.False(ClientChains.ChainsTo(device, anchors, [], notAfter.AddSeconds(1)));
    }

    [Fact]
    public void ChainsTo_a_refusal_is_not_cached_for_an_earlier_clock_reading()
    {
        using var device = TestCertificates.Leaf(_ca, "device", Now.AddDays(-1), Now.AddDays(30));
        var anchors = new X509Certificate2Collection(_ca);

        Assert.False(ClientChains.ChainsTo(device, anchors, [], Now.AddDays(31)));
        Assert.True(ClientChains.ChainsTo(device, anchors, [], Now));
    }

    [Fact]
    public void ChainsTo_untrusted_certificate_is_refused_and_stays_refused()
    {
        using var device = TestCertificates.Leaf(_other, "device", Now.AddDays(-1), Now.AddDays(30));
        var anchors = new X509Certificate2Collection(_ca);

        Assert.False(ClientChains.ChainsTo(device, anchors, [], Now));
        Assert.False(ClientChains.ChainsTo(device, anchors, [], Now.AddSeconds(1)));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
    }
}
