using Gateway.Grains;
using Gateway.Grains.Profiles;
using Gateway.Server.Hosting;
using Gateway.Store;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

/// <summary>
/// Seeding the store from a policies directory across restarts (a new provider and seeder read the directory again, as a
/// restarted silo does) and reloads, against the fixture's PostgreSQL in a schema of its own.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProfileSeedingTests(GatewayFixture gateway) : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-seed-" + Guid.NewGuid().ToString("N")[..12]);
    private DocumentStore _marten = null!;
    private ProfileStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var schema = "seed_" + Guid.NewGuid().ToString("N")[..10];
        _marten = DocumentStore.For(o =>
        {
            o.Connection(gateway.App.Services.GetRequiredService<GatewayConnection>().ConnectionString);
            StoreServiceCollectionExtensions.ConfigureMarten(o, schema);
        });
        await _marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        _store = new ProfileStore(_marten, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _marten.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static string Doc(string name, string suffix) => $"""
        name: {name}
        protocols: [admin]
        authentication: [api-key]
        san:
          dns:
            allow: ["*.{suffix}"]

        """;

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_dir, file), text);

    private (ProfileCatalogProvider Provider, ProfileSeeder Seeder, CapturingLogger<ProfileSeeder> Log) Start()
    {
        var provider = new ProfileCatalogProvider(Options.Create(new PolicyOptions { Path = _dir }), _store, TimeProvider.System,
            NullLogger<ProfileCatalogProvider>.Instance);
        var log = new CapturingLogger<ProfileSeeder>();
        return (provider, new ProfileSeeder(provider, _store, log), log);
    }

    [Fact]
    public async Task Restart_seeds_new_and_file_changed_profiles_and_keeps_api_changes_with_a_log_line()
    {
        Write("a.yaml", Doc("a", "one.test"));
        Write("b.yaml", Doc("b", "one.test"));
        var first = Start();
        await first.Seeder.SeedAtStartupAsync();
        await first.Provider.RefreshAsync();
        Assert.True(first.Provider.IsLoaded);
        Assert.Equal(["a v1", "b v1"], first.Provider.Current.Profiles.Select(p => $"{p.Name} v{p.Version}"));
        Assert.Equal("seed:a.yaml", (await _store.GetAsync("a"))!.Source);

        // b is changed through the API; then both files change and the silo restarts.
        await _store.AppendAsync("b", Doc("b", "api.test"), ProfileSources.Api, "api-key:alice", null, null, 1);
        Write("a.yaml", Doc("a", "two.test"));
        Write("b.yaml", Doc("b", "two.test"));
        var second = Start();
        await second.Seeder.SeedAtStartupAsync();
        await second.Provider.RefreshAsync();

        var a = await _store.GetAsync("a");
        Assert.Equal((2, "seed:a.yaml", ProfileSeeder.StartupAuthor), (a!.Version, a.Source, a.Author));
        Assert.Contains("*.two.test", a.Document);
        var b = await _store.GetAsync("b");
        Assert.Equal((2, "api"), (b!.Version, b.Source));
        Assert.Contains("*.api.test", b.Document);
        Assert.Contains(second.Log.Messages, m => m.Contains("Profile b was changed through the API", StringComparison.Ordinal)
            && m.Contains("b.yaml", StringComparison.Ordinal));
        Assert.True(second.Provider.Current.TryGet("b", out var compiledB));
        Assert.Equal(2, compiledB.Version);
        Assert.Contains("*.api.test", compiledB.Document);

        // The first silo, still running, catches up at its next refresh.
        await first.Provider.RefreshAsync();
        Assert.Equal(["a v2", "b v2"], first.Provider.Current.Profiles.Select(p => $"{p.Name} v{p.Version}"));
    }

    [Fact]
    public async Task Reload_is_all_or_nothing_and_reports_file_errors()
    {
        Write("a.yaml", Doc("a", "one.test"));
        var silo = Start();
        await silo.Seeder.SeedAtStartupAsync();

        Write("a.yaml", Doc("a", "two.test"));
        Write("c.yaml", "name: c\nprotocols: [admin, carrier-pigeon]\nauthentication: [api-key]\n");
        var refused = await silo.Seeder.ReloadAsync("api-key:alice");
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("c.yaml", 2, "protocols[1]"), (error.Source, error.Line, error.Field));
        Assert.Equal(1, (await _store.GetAsync("a"))!.Version);
        Assert.Null(await _store.GetAsync("c"));

        Write("c.yaml", Doc("c", "three.test"));
        var reloaded = await silo.Seeder.ReloadAsync("api-key:alice");
        Assert.Empty(reloaded.Errors);
        Assert.Equal(["c"], reloaded.Created);
        Assert.Equal(["a"], reloaded.Updated);
        var a = await _store.GetAsync("a");
        Assert.Equal((2, "reload", "api-key:alice", "a.yaml"), (a!.Version, a.Source, a.Author, a.SeedFile));
        Assert.True(silo.Provider.Current.TryGet("c", out _));
    }

    [Fact]
    public void A_bad_policy_file_at_start_stops_the_start_naming_file_and_line()
    {
        Write("a.yaml", "name: a\nprotocols: [admin]\nvalidity:\n  default: soon\n");
        var ex = Assert.Throws<InvalidOperationException>(() => Start());
        Assert.Contains("a.yaml(4,", ex.Message);
        Assert.Contains("Gateway:Policies:Path", ex.Message);
    }

    [Fact]
    public async Task Without_the_store_the_catalog_is_not_loaded_and_readiness_fails()
    {
        Write("a.yaml", Doc("a", "one.test"));
        using var dead = DocumentStore.For(o =>
        {
            o.Connection($"Host=127.0.0.1;Port={GatewayFixture.FreePort()};Username=nobody;Password=none;Timeout=3");
            StoreServiceCollectionExtensions.ConfigureMarten(o, "nowhere");
        });
        var store = new ProfileStore(dead, TimeProvider.System);
        var provider = new ProfileCatalogProvider(Options.Create(new PolicyOptions { Path = _dir }), store, TimeProvider.System,
            NullLogger<ProfileCatalogProvider>.Instance);

        await Assert.ThrowsAnyAsync<Exception>(() => provider.RefreshAsync());

        Assert.False(provider.IsLoaded);
        Assert.Empty(provider.Current.Profiles);
        var health = await new PolicyReadinessCheck(provider).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
    }
}
