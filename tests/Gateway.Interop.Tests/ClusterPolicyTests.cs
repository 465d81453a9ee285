using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 4's cluster acceptance: on two gateway processes forming one Orleans cluster through PostgreSQL (node A's embedded
/// one, the setup of <see cref="ClusterFailoverTests"/>), a profile created through node A's admin API is used on node B without
/// a restart; a per-profile quota holds exactly under concurrent enrollments spread over both nodes; and version 2, put
/// through node B, raises the limit and node A issues again.
/// </summary>
public sealed class ClusterPolicyTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cluster-policy-key-0123456789";
    private const int Limit = 5;
    private const int RaisedLimit = 8;
    private const int Requests = 16;
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(15);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-clpol-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _profile = "cluster-quota-" + Guid.NewGuid().ToString("N")[..8];

    private static string[] ClusterArgs(int siloPort) =>
    [
        "--Gateway:Cluster:Mode=postgres",
        $"--Gateway:Cluster:SiloPort={siloPort}",
        ClusterNodes.PublicBaseUrlArg,
        $"--Gateway:Policies:Path={InteropFixture.PoliciesDir}",
    ];

    /// <summary>A copy of tests/Gateway.Server.Tests/testdata/policies/test-quota-concurrent.yaml under a new name and limit.</summary>
    private string Document(int limit) => $"""
        # At most {limit} certificates a day under this profile, whoever asks, on any node.
        name: {_profile}
        description: Per-profile quota across a two-node cluster (tests)
        protocols: [admin]
        authentication: [api-key]
        issuer: default
        keys:
          ec: [P-256]
        subject:
          required: [CN]
        san:
          dns:
            allow: ["*.test"]
          onDisallowed: refuse
        extensions:
          keyUsage: [digitalSignature]
          extendedKeyUsage: [clientAuth]
        validity: {"{"}default: 30d, max: 30d{"}"}
        quotas:
          perProfile: {"{"}count: {limit}, window: 1d{"}"}

        """;

    [Fact]
    public async Task Profile_change_through_one_node_takes_effect_on_the_other_and_its_quota_holds_across_both()
    {
        Directory.CreateDirectory(_dir);
        var dataA = Path.Combine(_dir, "node-a");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        GatewayProcess? a = null, b = null;
        var passed = false;
        try
        {
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(GatewayProcess.FreePort()));
            var nodeEnv = ClusterNodes.JoiningEnvironment(dataA, env);
            b = await GatewayProcess.StartAsync(Path.Combine(_dir, "node-b"), nodeEnv,
                [.. ClusterArgs(GatewayProcess.FreePort()), $"--Gateway:Ca:Directory={Path.Combine(dataA, "ca")}"]);
            output.WriteLine($"nodes ready in {a.ReadyAfter.TotalSeconds:F1} s and {b.ReadyAfter.TotalSeconds:F1} s");

            using var clientA = Client(a);
            using var clientB = Client(b);
            var cluster = JsonDocument.Parse(await clientB.GetStringAsync("/api/v1/cluster")).RootElement;
            Assert.Equal(2, cluster.GetProperty("active").GetInt32());
            Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync($"/api/v1/profiles/{_profile}")).StatusCode);

            // 1. Version 1 is created through A; B enrolls under it without a restart.
            var created = await PutAsync(clientA, Document(Limit));
            Assert.Equal(HttpStatusCode.Created, created.Status);
            Assert.Equal(1, created.Body.GetProperty("version").GetInt32());
            var sinceCreate = Stopwatch.StartNew();
            var first = await EnrollUntilCreatedAsync(clientB, "first");
            output.WriteLine($"node B issued under version 1 {sinceCreate.Elapsed.TotalSeconds:F1} s after the PUT on A");
            var onB = JsonDocument.Parse(await clientB.GetStringAsync($"/api/v1/profiles/{_profile}")).RootElement;
            Assert.Equal(1, onB.GetProperty("version").GetInt32());
            Assert.Equal(Document(Limit).ReplaceLineEndings("\n"), onB.GetProperty("document").GetString()!.ReplaceLineEndings("\n"));

            // 2. The remaining quota under concurrency, requests alternating between the nodes: exactly the limit is issued.
            var csrs = Enumerable.Range(0, Requests).Select(i => ClusterNodes.Csr($"q{i}-{_profile}.test")).ToList();
            var answers = await Task.WhenAll(csrs.Select((csr, i) => EnrollAsync(i % 2 == 0 ? clientA : clientB, csr)));
            var issued = answers.Count(r => r.Status == HttpStatusCode.Created);
            output.WriteLine(string.Join(", ", answers.Select((r, i) => $"{(i % 2 == 0 ? 'A' : 'B')}:{(int)r.Status}")));
            Assert.True(issued == Limit - 1, $"{issued} issued concurrently, expected {Limit - 1}: " +
                string.Join("\n", answers.Where(r => r.Status != HttpStatusCode.Created).Select(r => $"{(int)r.Status} {r.Body}")));
            foreach (var refused in answers.Where(r => r.Status != HttpStatusCode.Created))
            {
                Assert.True(refused.Status == (HttpStatusCode)429, $"{(int)refused.Status} {refused.Body}");
                Assert.Equal("rate-limited", refused.Body.GetProperty("reason").GetString());
                Assert.Contains(refused.Body.GetProperty("firedRules").EnumerateArray(),
                    f => f.GetProperty("rule").GetString() == "quotas.perProfile" && f.GetProperty("effect").GetString() == "deny");
            }
            Assert.Equal(Limit, await InventoryAsync(clientA));
            Assert.Equal(Limit, await InventoryAsync(clientB));

            // 3. Version 2 through B raises the limit; A sees it and issues again, without a restart.
            var updated = await PutAsync(clientB, Document(RaisedLimit));
            Assert.Equal(HttpStatusCode.OK, updated.Status);
            Assert.Equal(2, updated.Body.GetProperty("version").GetInt32());
            var onA = JsonDocument.Parse(await clientA.GetStringAsync($"/api/v1/profiles/{_profile}")).RootElement;
            Assert.Equal(2, onA.GetProperty("version").GetInt32());
            var sinceUpdate = Stopwatch.StartNew();
            var again = await EnrollUntilCreatedAsync(clientA, "again");
            output.WriteLine($"node A issued under version 2 {sinceUpdate.Elapsed.TotalSeconds:F1} s after the PUT on B");
            // Each enrollment records the profile version that decided it.
            Assert.Equal("1", await DecidingVersionAsync(clientA, first));
            Assert.Equal("2", await DecidingVersionAsync(clientB, again));
            Assert.Equal(Limit + 1, await InventoryAsync(clientA));
            Assert.Equal(Limit + 1, await InventoryAsync(clientB));
            passed = true;
        }
        finally
        {
            await ClusterNodes.StopAsync(output, passed, dataA, a, b);
        }
    }

    private static HttpClient Client(GatewayProcess node) => ClusterNodes.Client(node, Key);

    private sealed record Answer(HttpStatusCode Status, JsonElement Body);

    private async Task<Answer> PutAsync(HttpClient client, string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await client.PutAsync($"/api/v1/profiles/{_profile}", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {_profile}: {(int)response.StatusCode} {body}");
        return new Answer(response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>One enrollment; a 503 (cluster still settling) is retried after its Retry-After, as a client would.</summary>
    private async Task<Answer> EnrollAsync(HttpClient client, string csr)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = _profile, csr });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            return new Answer(response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
        }
    }

    /// <summary>Enrolls through <paramref name="client"/> until it is issued (the profile change has reached that node), within the bound.</summary>
    private async Task<JsonElement> EnrollUntilCreatedAsync(HttpClient client, string name)
    {
        var stopwatch = Stopwatch.StartNew();
        var i = 0;
        while (true)
        {
            var answer = await EnrollAsync(client, ClusterNodes.Csr($"{name}{i++}-{_profile}.test"));
            if (answer.Status == HttpStatusCode.Created) return answer.Body;
            Assert.True(stopwatch.Elapsed < PropagationBound, $"still {(int)answer.Status} after {stopwatch.Elapsed.TotalSeconds:F0} s: {answer.Body}");
            await Task.Delay(200);
        }
    }

    private static async Task<string?> DecidingVersionAsync(HttpClient client, JsonElement issued) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/v1/enrollments/{Uri.EscapeDataString(issued.GetProperty("enrollmentId").GetString()!)}"))
            .RootElement.GetProperty("decision").GetProperty("profileVersion").GetString();

    private async Task<long> InventoryAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates?profile={_profile}")).RootElement.GetProperty("total").GetInt64();



    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
