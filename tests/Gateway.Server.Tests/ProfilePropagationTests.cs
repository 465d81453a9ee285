using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gateway.Server.Tests;

/// <summary>
/// A second gateway (its own silo, on the fixture's PostgreSQL) sees a profile change made through the first one
/// without restart: every silo polls the stored profile versions (Gateway:Policies:RefreshInterval).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProfilePropagationTests(GatewayFixture gateway, ITestOutputHelper output) : IAsyncLifetime
{
    private const string SecondKey = "test-second-silo-admin-key-0123456789";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-second-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication _second = null!;
    private Uri _secondAddress = null!;

    public async Task InitializeAsync()
    {
        _second = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={_dataDir}",
            $"--ConnectionStrings:Gateway={gateway.App.Services.GetRequiredService<GatewayConnection>().ConnectionString}",
            "--urls=http://127.0.0.1:0",
            // ConnectionStrings:Gateway makes this node a cluster node (postgres mode), which needs a public base URL.
            "--Gateway:PublicBaseUrl=http://gateway.second.test",
            $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}",
            $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(GatewayFixture.RepoRoot(), "policies")}",
            $"--Gateway:Admin:BootstrapApiKey={SecondKey}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _second.StartAsync();
        _secondAddress = new Uri(_second.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _second.StopAsync();
        await _second.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Profile(string name, string suffix) =>
        $"name: {name}\nprotocols: [admin]\nauthentication: [api-key]\nkeys:\n  ec: [P-256]\nsan:\n  dns:\n    allow: [\"*.{suffix}\"]\n  required: true\n";

    private async Task<HttpStatusCode> EnrollOnSecondAsync(string profile, string dnsName)
    {
        using var client = new HttpClient { BaseAddress = _secondAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecondKey);
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr = Csrs.P256(dnsName, dnsName) });
        return response.StatusCode;
    }

    /// <summary>How long until the second silo issues for <paramref name="dnsName"/>; fails after <see cref="Deadline"/>.</summary>
    private async Task<TimeSpan> UntilSecondIssuesAsync(string profile, string dnsName)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await EnrollOnSecondAsync(profile, dnsName);
            if (status == HttpStatusCode.Created) return clock.Elapsed;
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"unexpected {(int)status} from the second silo");
            Assert.True(clock.Elapsed < Deadline, $"the second silo did not see the change within {Deadline.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Profile_change_through_one_silo_takes_effect_on_another_without_restart()
    {
        var name = "prop-" + Guid.NewGuid().ToString("N")[..10];
        using var first = gateway.Client();
        var created = await first.PutAsync($"/api/v1/profiles/{name}", new StringContent(Profile(name, "one.test"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var seenCreate = await UntilSecondIssuesAsync(name, "x.one.test");

        var updated = await first.PutAsync($"/api/v1/profiles/{name}", new StringContent(Profile(name, "two.test"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var seenUpdate = await UntilSecondIssuesAsync(name, "x.two.test");
        Assert.Equal(HttpStatusCode.Forbidden, await EnrollOnSecondAsync(name, "y.one.test"));

        output.WriteLine($"second silo saw the new profile after {seenCreate.TotalMilliseconds:F0} ms and the change after {seenUpdate.TotalMilliseconds:F0} ms");
    }
}
