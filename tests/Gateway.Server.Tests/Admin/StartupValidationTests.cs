using Gateway.Server.Hosting;

namespace Gateway.Server.Tests.Admin;

/// <summary>A wrong admin or CA setting stops the start with a message naming the option (no PostgreSQL is reached).</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-startup-" + Guid.NewGuid().ToString("N")[..12]);

    private Task<Microsoft.AspNetCore.Builder.WebApplication> BuildAsync(params string[] settings) => GatewayApp.BuildAsync([
        $"--Gateway:DataDir={_dataDir}",
        // An external database that is never reached: validation stops the start before anything connects.
        "--ConnectionStrings:Gateway=Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
        "--urls=http://127.0.0.1:0",
        // An external database means cluster mode, which needs a public base URL (checked before these options).
        "--Gateway:PublicBaseUrl=http://gateway.test",
        "--Logging:LogLevel:Default=Warning",
        .. settings,
    ]);

    [Fact]
    public async Task BuildAsync_caPassphraseShorterThan16_stopsNamingOption()
    {
        var e = await Assert.ThrowsAsync<GatewayStartupException>(() => BuildAsync("--Gateway:Ca:Passphrase=too-short"));
        Assert.Contains("Gateway:Ca:Passphrase", e.Message);
        Assert.DoesNotContain("too-short", e.Message);
    }

    [Theory]
    [InlineData("--Gateway:Admin:AuthFailureLimit=0", "Gateway:Admin:AuthFailureLimit")]
    [InlineData("--Gateway:Admin:TrustedProxies:0=proxy.example", "Gateway:Admin:TrustedProxies:0")]
    public async Task BuildAsync_badAdminOption_stopsNamingOption(string setting, string option)
    {
        var e = await Assert.ThrowsAsync<GatewayStartupException>(() => BuildAsync("--Gateway:Ca:Passphrase=long enough passphrase", setting));
        Assert.Contains(option, e.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
