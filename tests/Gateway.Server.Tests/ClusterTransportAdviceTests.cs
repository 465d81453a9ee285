using Gateway.Server.Hosting;

namespace Gateway.Server.Tests;

public sealed class ClusterTransportAdviceTests
{
    private static CapturingLogger<ClusterTransportAdviceTests> Warn(GatewayClusterOptions options)
    {
        var log = new CapturingLogger<ClusterTransportAdviceTests>();
        ClusterTransportAdvice.Warn(ClusterSetup.Resolve(options, null), log);
        return log;
    }

    [Fact]
    public void Warn_defaults_sayNothing()
    {
        Assert.Empty(Warn(new GatewayClusterOptions()).Messages);
        Assert.Empty(Warn(new GatewayClusterOptions { Mode = "postgres" }).Messages);
    }

    [Fact]
    public void Warn_clusterWithoutTls_warnsNamingTheOption()
    {
        var message = Assert.Single(Warn(new GatewayClusterOptions { Mode = "postgres", Tls = false, SiloPort = 11112 }).Messages);
        Assert.StartsWith("Gateway:Cluster:Tls=false: silo-to-silo traffic", message);
        Assert.Contains("127.0.0.1:11112", message);
    }

    [Theory]
    [InlineData("localhost", "(no TLS, no authentication)")]
    [InlineData("postgres", "with a certificate of this cluster")]
    public void Warn_clientGatewayPort_warnsThatItOpensEveryGrain(string mode, string access)
    {
        var message = Assert.Single(Warn(new GatewayClusterOptions { Mode = mode, GatewayPort = 30000 }).Messages);
        Assert.StartsWith("Gateway:Cluster:GatewayPort is set: the Orleans client gateway is open on 127.0.0.1:30000", message);
        Assert.Contains(access, message);
    }
}
