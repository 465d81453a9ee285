using Gateway.Admin.Authentication;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Admin;

/// <summary>What the shipped appsettings.json lets through: refused admin API keys at Information, the handler's per-request noise not.</summary>
public sealed class ShippedLogLevelTests : IDisposable
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("gateway-loglevels-").FullName;

    private ILoggerFactory ShippedLoggers()
    {
        var configuration = new ConfigurationManager();
        ShippedSettings.AddDefaults(configuration, _elsewhere);
        return new ServiceCollection().AddLogging(l => l.AddConfiguration(configuration.GetSection("Logging")).AddProvider(new AdminHost.LogCapture()))
            .BuildServiceProvider().GetRequiredService<ILoggerFactory>();
    }

    [Fact]
    public void ShippedSettings_refusedApiKeyCategory_enabledAtInformation()
    {
        Assert.True(ShippedLoggers().CreateLogger(ApiKeyAuthenticationHandler.RefusalLogCategory).IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void ShippedSettings_apiKeyHandlerOwnCategory_quietBelowWarning()
    {
        Assert.False(ShippedLoggers().CreateLogger(typeof(ApiKeyAuthenticationHandler).FullName!).IsEnabled(LogLevel.Information));
    }

    public void Dispose()
    {
        try { Directory.Delete(_elsewhere, recursive: true); } catch (IOException) { }
    }
}
