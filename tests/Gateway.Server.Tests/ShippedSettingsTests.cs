using Gateway.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Server.Tests;

public sealed class ShippedSettingsTests : IDisposable
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("gateway-contentroot-").FullName;

    [Fact]
    public void AddDefaults_started_from_another_directory_reads_the_shipped_log_levels()
    {
        var configuration = new ConfigurationManager();

        ShippedSettings.AddDefaults(configuration, _elsewhere);

        Assert.Equal("Warning", configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Warning", configuration["Logging:LogLevel:Polly"]);
    }

    [Fact]
    public void AddDefaults_everything_configured_otherwise_wins_over_the_shipped_file()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug" });

        ShippedSettings.AddDefaults(configuration, _elsewhere);

        Assert.Equal("Debug", configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Warning", configuration["Logging:LogLevel:Orleans"]);
    }

    [Fact]
    public void AddDefaults_content_root_is_the_binaries_directory_adds_nothing()
    {
        var configuration = new ConfigurationManager();
        var before = ((IConfigurationBuilder)configuration).Sources.Count;

        ShippedSettings.AddDefaults(configuration, AppContext.BaseDirectory);

        Assert.Equal(before, ((IConfigurationBuilder)configuration).Sources.Count);
    }

    public void Dispose() => Directory.Delete(_elsewhere, recursive: true);
}
