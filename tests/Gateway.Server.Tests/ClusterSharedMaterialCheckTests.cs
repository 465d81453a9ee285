using System.Net;
using Gateway.Ca;
using Gateway.Cluster;
using Gateway.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests;

/// <summary>The start-up check of cluster mode, against the fixture's PostgreSQL and real CA, each test in its own cluster id.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ClusterSharedMaterialCheckTests(GatewayFixture gateway) : IAsyncLifetime
{
    private readonly ClusterPlan _plan = new("postgres", IPAddress.Loopback, 11111, 30000, "check-" + Guid.NewGuid().ToString("N")[..10], "gateway", IPAddress.Loopback, Tls: true);
    private ClusterDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = new ClusterDatabase(gateway.App.Services.GetRequiredService<GatewayConnection>().ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task RunAsync(string credentialKeyId, bool replace = false) =>
        ClusterSharedMaterialCheck.RunAsync(new SharedMaterialRegistry(_database), gateway.App.Services.GetRequiredService<ICertificateAuthority>(),
            credentialKeyId, _plan, replace, TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Same_ca_and_credential_key_pass_on_every_start()
    {
        await RunAsync("0011223344556677");
        await RunAsync("0011223344556677");
    }

    [Fact]
    public async Task Different_credential_key_stops_the_start_naming_the_option()
    {
        await RunAsync("0011223344556677");
        var e = await Assert.ThrowsAsync<GatewayStartupException>(() => RunAsync("8899aabbccddeeff"));
        Assert.Contains("credential encryption key (key id 8899aabbccddeeff) is not the one of cluster", e.Message);
        Assert.Contains("key id 0011223344556677", e.Message);
        Assert.Contains("Gateway:Credentials:EncryptionKey", e.Message);
        Assert.Contains("Gateway:Cluster:ReplaceSharedMaterial=true", e.Message);
    }

    [Fact]
    public async Task Deliberate_replacement_moves_the_cluster_to_the_new_key()
    {
        await RunAsync("0011223344556677");
        await RunAsync("8899aabbccddeeff", replace: true);
        await RunAsync("8899aabbccddeeff");
        await Assert.ThrowsAsync<GatewayStartupException>(() => RunAsync("0011223344556677"));
    }
}
