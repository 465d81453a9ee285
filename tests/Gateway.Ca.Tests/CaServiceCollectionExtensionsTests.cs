using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Ca.Tests;

public sealed class CaServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGatewayCa(configuration);
        // The store's recorder is registered by Grains; here a list stands in for it.
        services.AddSingleton<IGatewayCertificateRecorder>(new ListRecorder());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddGatewayCa_configuration_bindsOptionsIncludingDataDirAndHostNames()
    {
        using ServiceProvider provider = Build(new()
        {
            ["Gateway:DataDir"] = _dir.Path,
            ["Gateway:Ca:Passphrase"] = "from config, long enough",
            ["Gateway:Ca:IssuingKeyAlgorithm"] = "ecdsa-p384",
            ["Gateway:Ca:Import:KeyPassword"] = "kp",
            ["Gateway:Ca:ServerTls:HostNames:0"] = "gateway.example.com",
            ["Gateway:Ca:ServerTls:HostNames:1"] = "10.1.2.3",
        });

        CaOptions options = provider.GetRequiredService<IOptions<CaOptions>>().Value;

        Assert.Equal(_dir.Path, options.DataDir);
        Assert.Equal("from config, long enough", options.Passphrase);
        Assert.Equal("ecdsa-p384", options.IssuingKeyAlgorithm);
        Assert.Equal("ecdsa-p384", options.RootKeyAlgorithm);
        Assert.Equal("kp", options.Import.KeyPassword);
        Assert.Equal(["gateway.example.com", "10.1.2.3"], options.ServerTls.HostNames);
    }

    [Fact]
    public void AddGatewayCa_noDataDir_defaultsToDotData()
    {
        using ServiceProvider provider = Build(new());

        CaOptions options = provider.GetRequiredService<IOptions<CaOptions>>().Value;

        Assert.Equal("./data", options.DataDir);
        Assert.Equal(["localhost", "127.0.0.1"], options.ServerTls.EffectiveHostNames);
    }

    [Fact]
    public async Task AddGatewayCa_hostStart_createsAuthorityAndServerCertificate()
    {
        using ServiceProvider provider = Build(new() { ["Gateway:DataDir"] = _dir.Path, ["Gateway:Ca:Passphrase"] = "from config, long enough" });

        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        ICertificateAuthority ca = provider.GetRequiredService<ICertificateAuthority>();
        Assert.Same(ca, provider.GetRequiredService<CertificateAuthority>());
        Assert.True(provider.GetRequiredService<ServerCertificateProvider>().GetCertificate().HasPrivateKey);
        Assert.True(File.Exists(_dir.Combine("ca", "issuing.key")));
        Assert.True(File.Exists(_dir.Combine("tls", "server.p12")));
    }

    [Fact]
    public void AddGatewayCa_invalidOption_resolvingAuthorityFailsNamingOption()
    {
        using ServiceProvider provider = Build(new() { ["Gateway:DataDir"] = _dir.Path, ["Gateway:Ca:IssuingKeyAlgorithm"] = "foo" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICertificateAuthority>());

        Assert.Contains("Gateway:Ca:IssuingKeyAlgorithm 'foo' is not one of", ex.Message);
    }
}
