using System.Net;
using System.Text.Json;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Gateway.Server.Tests;

/// <summary>Issue 14 item 8: readiness names each check (store, silo, write path, durability, revocation feed, policy, CA, CRL).</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReadinessTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Ready_answers_each_named_check_as_json_without_secrets()
    {
        using var client = gateway.Client(apiKey: null);

        var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ready = JsonDocument.Parse(body).RootElement;
        var checks = ready.GetProperty("checks");
        foreach (var name in new[] { "store", "silo", "write-path", "durability", "revocation-feed", "policy", "ca", "crl" })
        {
            Assert.True(checks.TryGetProperty(name, out var check), $"no check '{name}' in {body}");
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
        }
        Assert.Equal("on", checks.GetProperty("durability").GetProperty("data").GetProperty("synchronous_commit").GetString());
        Assert.True(checks.GetProperty("ca").GetProperty("data").TryGetProperty("default", out _));
        Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Host=", body, StringComparison.OrdinalIgnoreCase);
    }

    private DurabilityReadinessCheck Durability(bool allowUnsafe)
    {
        var connection = new NpgsqlConnectionStringBuilder(gateway.App.Services.GetRequiredService<GatewayConnection>().ConnectionString)
        {
            Options = "-c synchronous_commit=off",
        }.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Store:AllowUnsafeDurability"] = allowUnsafe ? "true" : "false" })
            .Build();
        return new DurabilityReadinessCheck(new GatewayConnection(connection, Embedded: false), configuration, TimeProvider.System);
    }

    [Fact]
    public async Task Durability_check_on_a_database_that_stopped_syncing_commits_is_unhealthy_naming_the_setting()
    {
        var result = await Durability(allowUnsafe: false).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("synchronous_commit is off", result.Description);
        Assert.Equal("off", result.Data["synchronous_commit"]);
    }

    [Fact]
    public async Task Durability_check_with_the_override_is_degraded_naming_the_option()
    {
        var result = await Durability(allowUnsafe: true).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("Gateway:Store:AllowUnsafeDurability", result.Description);
    }

    [Fact]
    public async Task Write_path_check_against_a_database_that_is_gone_is_unhealthy()
    {
        var store = Marten.DocumentStore.For(o =>
        {
            o.Connection("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2");
            Gateway.Store.StoreServiceCollectionExtensions.ConfigureMarten(o, "readiness_gone");
        });
        var check = new WritePathReadinessCheck(new Gateway.Store.WriteProbe(store), gateway.App.Services.GetRequiredService<Gateway.Store.GroupCommitWriter>(),
            TimeProvider.System);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("durable write", result.Description);
    }
}
