using Gateway.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Server.Tests;

/// <summary>Issue 14 item 1: a database that would lose commits stops the start, naming the setting and the override.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DurabilityStartTests(GatewayFixture gateway)
{
    private string[] Args(string dataDir, params string[] extra)
    {
        var connection = new NpgsqlConnectionStringBuilder(gateway.App.Services.GetRequiredService<GatewayConnection>().ConnectionString)
        {
            Options = "-c synchronous_commit=off",
        }.ConnectionString;
        return [$"--ConnectionStrings:Gateway={connection}", $"--Gateway:DataDir={dataDir}", "--Gateway:PublicBaseUrl=http://gateway.durability.test",
            "--urls=http://127.0.0.1:0", .. extra];
    }

    [Fact]
    public async Task BuildAsync_database_with_synchronous_commit_off_refuses_to_start_naming_setting_and_option()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "gateway-durability-" + Guid.NewGuid().ToString("N")[..8]);

        var refused = await Assert.ThrowsAsync<GatewayStartupException>(() => GatewayApp.BuildAsync(Args(dataDir)));

        Assert.Contains("synchronous_commit is off", refused.Message);
        Assert.Contains("Gateway:Store:AllowUnsafeDurability", refused.Message);
    }

    [Fact]
    public async Task BuildAsync_database_with_synchronous_commit_off_and_the_override_builds()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "gateway-durability-" + Guid.NewGuid().ToString("N")[..8]);

        // The fixture's database also holds cluster registries: a cluster of its own keeps this node's CA out of theirs.
        await using var app = await GatewayApp.BuildAsync(Args(dataDir, "--Gateway:Store:AllowUnsafeDurability=true",
            "--Gateway:Cluster:ClusterId=durability-" + Guid.NewGuid().ToString("N")[..8]));

        Assert.NotNull(app);
    }
}
