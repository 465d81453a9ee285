using Gateway.Server.Hosting;

namespace Gateway.Server.Tests;

/// <summary>A wrong <c>Gateway:Metrics</c> value stops the start with the option named.</summary>
public sealed class MetricsStartupTests
{
    [Theory]
    [InlineData("--Gateway:Metrics:AllowedNetworks:0=everyone", "Gateway:Metrics:AllowedNetworks:0")]
    [InlineData("--Gateway:Metrics:Enabled=maybe", "Gateway:Metrics:Enabled")]
    public async Task BuildAsync_bad_metrics_option_fails_naming_it(string argument, string option)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "gateway-metrics-start-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var e = await Assert.ThrowsAsync<GatewayStartupException>(() => GatewayApp.BuildAsync([
                $"--Gateway:DataDir={dataDir}",
                "--urls=http://127.0.0.1:0",
                $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}",
                $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
                $"--Gateway:Policies:Path={Path.Combine(AppContext.BaseDirectory, "testdata", "policies")}",
                $"--Gateway:Admin:BootstrapApiKey={GatewayFixture.AdminKey}",
                "--Logging:LogLevel:Default=Warning",
                argument,
            ]));
            Assert.Contains(option, e.Message);
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
