using Gateway.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Server.Tests;

/// <summary>Issue 13 item 10: no certificate leaves a cluster or a reachable node with revocation URLs under localhost.</summary>
public sealed class PublicBaseUrlRequirementTests
{
    private static readonly ClusterPlan Single = ClusterSetup.Resolve(new GatewayClusterOptions(), null);
    private static readonly ClusterPlan Cluster = ClusterSetup.Resolve(new GatewayClusterOptions { Mode = "postgres" }, null);

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("http://127.0.0.1:5000;https://127.0.0.1:5001")]
    [InlineData("http://localhost:5000;https://localhost:5001")]
    [InlineData("http://[::1]:5000")]
    [InlineData("")]
    public void Check_singleNodeOnLoopbackWithoutPublicBaseUrl_starts(string urls)
    {
        PublicBaseUrlRequirement.Check(Single, Configuration(("urls", urls)));
    }

    [Theory]
    [InlineData("http://+:8080;https://+:8443", "http://+:8080")]
    [InlineData("http://127.0.0.1:8080;https://*:8443", "https://*:8443")]
    [InlineData("http://0.0.0.0:8080", "http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080", "http://[::]:8080")]
    [InlineData("http://10.1.2.3:8080", "http://10.1.2.3:8080")]
    [InlineData("http://gateway.example.com:8080", "http://gateway.example.com:8080")]
    public void Check_nonLoopbackListenerWithoutPublicBaseUrl_stopsNamingTheOption(string urls, string listener)
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Single, Configuration(("urls", urls))));
        Assert.StartsWith($"Gateway:PublicBaseUrl is required because the server listens on {listener}:", e.Message);
    }

    [Fact]
    public void Check_nonLoopbackKestrelEndpointWithoutPublicBaseUrl_stops()
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Single,
            Configuration(("urls", "http://127.0.0.1:5000"), ("Kestrel:Endpoints:Public:Url", "https://0.0.0.0:443"))));
        Assert.Contains("Gateway:PublicBaseUrl is required because the server listens on https://0.0.0.0:443", e.Message);
    }

    [Fact]
    public void Check_httpPortsWithoutPublicBaseUrl_stops()
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Single, Configuration(("http_ports", "8080"))));
        Assert.Contains("Gateway:PublicBaseUrl is required because the server listens on http_ports 8080", e.Message);
    }

    [Fact]
    public void Check_clusterModeOnLoopbackWithoutPublicBaseUrl_stopsNamingTheOption()
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Cluster, Configuration(("urls", "http://127.0.0.1:5000"))));
        Assert.StartsWith("Gateway:PublicBaseUrl is required because Gateway:Cluster:Mode is postgres:", e.Message);
    }

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("https://127.0.0.1")]
    [InlineData("http://[::1]:8080/pki")]
    [InlineData("http://gw.localhost")]
    public void Check_loopbackPublicBaseUrlWhereRequired_stopsNamingTheOption(string publicBaseUrl)
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Cluster, Configuration(("Gateway:PublicBaseUrl", publicBaseUrl))));
        Assert.StartsWith($"Gateway:PublicBaseUrl '{publicBaseUrl}' names a loopback host", e.Message);
    }

    [Theory]
    [InlineData("pki.example.com")]
    [InlineData("ftp://pki.example.com")]
    [InlineData("/pki")]
    public void Check_relativeOrNonHttpPublicBaseUrlWhereRequired_stopsNamingTheOption(string publicBaseUrl)
    {
        var e = Assert.Throws<GatewayStartupException>(() => PublicBaseUrlRequirement.Check(Cluster, Configuration(("Gateway:PublicBaseUrl", publicBaseUrl))));
        Assert.StartsWith($"Gateway:PublicBaseUrl '{publicBaseUrl}' is not an absolute http:// or https:// URL", e.Message);
    }

    [Theory]
    [InlineData("http://pki.example.com")]
    [InlineData("https://10.1.2.3:8443/gateway")]
    public void Check_publicBaseUrlWhereRequired_starts(string publicBaseUrl)
    {
        PublicBaseUrlRequirement.Check(Cluster, Configuration(("urls", "http://+:8080"), ("Gateway:PublicBaseUrl", publicBaseUrl)));
    }
}
