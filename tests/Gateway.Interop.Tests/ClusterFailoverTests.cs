using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 7's acceptance test: two gateway processes on loopback form one Orleans cluster through PostgreSQL (node A's
/// embedded one), both serve the same inventory and the same credentials (made on A, used for EST on B), a node without the
/// shared CA is refused, an EST enrollment pending on A is approved through B, node A is killed (SIGKILL), node B notices
/// within the configured probe time, goes on enrolling (admin API and EST), approves what was left pending on A, and nothing
/// committed before the kill is lost. Node A then restarts on its data directory and rejoins.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cluster-test-key-0123456789";

    // Membership tuned for a test (production keeps Orleans' defaults): probes every second, two missed probes to suspect.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private const int NumMissedProbesLimit = 2;
    private static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(2);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-cluster-" + Guid.NewGuid().ToString("N")[..12]);

    private static string[] ClusterArgs(int siloPort) =>
    [
        "--Gateway:Cluster:Mode=postgres",
        $"--Gateway:Cluster:SiloPort={siloPort}",
        ClusterNodes.PublicBaseUrlArg,
        $"--Gateway:Cluster:Membership:ProbeTimeout={ProbeTimeout:c}",
        $"--Gateway:Cluster:Membership:NumMissedProbesLimit={NumMissedProbesLimit}",
        $"--Gateway:Cluster:Membership:TableRefreshTimeout={TableRefreshTimeout:c}",
        "--Gateway:Cluster:Membership:IAmAliveTablePublishTimeout=00:00:02",
        // The shipped profiles plus est-manual-device (approval: manual), reachable as EST label "manual".
        $"--Gateway:Policies:Path={InteropFixture.PoliciesDir}",
        $"--Gateway:Est:Labels:{InteropFixture.ManualLabel}=est-manual-device",
    ];

    /// <summary>Worst case of Orleans' detection with the settings above: every probe of the limit at its longest effective timeout
    /// (4 × ProbeTimeout), then one table refresh, plus slack for two busy cores.</summary>
    private static TimeSpan DetectionBound => (ProbeTimeout * 4 * NumMissedProbesLimit) + TableRefreshTimeout + TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Two_node_cluster_survives_the_kill_of_a_node_without_losing_a_committed_certificate()
    {
        Directory.CreateDirectory(_dir);
        var dataA = Path.Combine(_dir, "node-a");
        var dataB = Path.Combine(_dir, "node-b");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        var siloA = GatewayProcess.FreePort();
        GatewayProcess? a = null, b = null;
        var passed = false;
        try
        {
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(siloA));
            output.WriteLine($"node A (embedded PostgreSQL, silo {siloA}) ready in {a.ReadyAfter.TotalSeconds:F1} s");

            // Node B: A's PostgreSQL through ConnectionStrings:Gateway, A's CA directory and credential key, its own data directory and ports.
            var nodeEnv = ClusterNodes.JoiningEnvironment(dataA, env);

            // A node that forgot to share the CA would generate its own: it must refuse to join, saying how to fix it.
            var stray = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                GatewayProcess.StartAsync(Path.Combine(_dir, "node-stray"), nodeEnv, ClusterArgs(GatewayProcess.FreePort())));
            Assert.Contains("exited during start (code 1)", stray.Message);
            Assert.Contains("is not the one of cluster 'gateway'", stray.Message);
            Assert.Contains("Gateway:Ca:Directory", stray.Message);

            b = await GatewayProcess.StartAsync(dataB, nodeEnv,
                [.. ClusterArgs(GatewayProcess.FreePort()), $"--Gateway:Ca:Directory={Path.Combine(dataA, "ca")}"]);
            output.WriteLine($"node B ready in {b.ReadyAfter.TotalSeconds:F1} s");

            using var clientA = Client(a);
            using var clientB = Client(b);
            var view = await ClusterViewAsync(clientB);
            Assert.Equal(2, view.GetProperty("active").GetInt32());
            Assert.Equal(await clientA.GetStringAsync("/ca/root.pem"), await clientB.GetStringAsync("/ca/root.pem"));
            Assert.Equal(await clientA.GetStringAsync("/ca/chain.pem"), await clientB.GetStringAsync("/ca/chain.pem"));

            // Enroll through both nodes; each sees the other's certificates.
            var committed = new List<string>();
            for (var i = 0; i < 6; i++) committed.Add(await EnrollAsync(clientA, $"a{i}"));
            for (var i = 0; i < 3; i++) committed.Add(await EnrollAsync(clientB, $"b{i}"));
            foreach (var serial in committed)
            {
                Assert.Equal(HttpStatusCode.OK, (await clientB.GetAsync($"/api/v1/certificates/{serial}")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await clientA.GetAsync($"/api/v1/certificates/{serial}")).StatusCode);
            }

            // Per-account state is in grains, reachable from any node: credentials made through A enroll over EST on B.
            await File.WriteAllTextAsync(Path.Combine(_dir, "root.pem"), await clientB.GetStringAsync("/ca/root.pem"));
            var (beforeId, beforeSecret) = await CreateCredentialAsync(clientA, "meter-1.cluster.test");
            var (afterId, afterSecret) = await CreateCredentialAsync(clientA, "meter-2.cluster.test");
            committed.Add(EstEnroll(b, $"{beforeId}:{beforeSecret}", "meter-1.cluster.test"));

            // Manual approval across nodes: the device asks A (202, pending), an administrator approves through B, the device's
            // repeat on A gets the certificate. A second device's request stays pending on A until after A's death.
            var door1 = await PendingThroughAsync(a, clientA, "door-1.cluster.test");
            var approvedSerial = await ApproveAsync(clientB, door1.EnrollmentId);
            Assert.Equal(approvedSerial.TrimStart('0'), EstRepeat(a, door1, expectedStatus: 200).TrimStart('0'));
            committed.Add(approvedSerial);
            var door2 = await PendingThroughAsync(a, clientA, "door-2.cluster.test");

            // Crash node A.
            await a.KillAsync();
            var killed = Stopwatch.StartNew();

            // Right after the crash B answers either normally or 503 + Retry-After while Orleans detects the death: never a 500.
            var early = await clientB.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = ClusterNodes.Csr("early.example.test") });
            var earlyBody = await early.Content.ReadAsStringAsync();
            output.WriteLine($"enrollment through B right after the kill: {(int)early.StatusCode} after {killed.Elapsed.TotalSeconds:F1} s");
            if (early.StatusCode == HttpStatusCode.Created)
            {
                committed.Add(JsonDocument.Parse(earlyBody).RootElement.GetProperty("serial").GetString()!);
            }
            else
            {
                Assert.True(early.StatusCode == HttpStatusCode.ServiceUnavailable, earlyBody);
                Assert.NotNull(early.Headers.RetryAfter);
                Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);
            }

            // B's membership declares A dead within the configured probe time.
            JsonElement dead = default;
            while (killed.Elapsed < DetectionBound + TimeSpan.FromSeconds(30))
            {
                var response = await clientB.GetAsync("/api/v1/cluster");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var silos = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("silos");
                    dead = silos.EnumerateArray().FirstOrDefault(s => s.GetProperty("port").GetInt32() == siloA && s.GetProperty("status").GetString() == "dead");
                    if (dead.ValueKind == JsonValueKind.Object) break;
                }
                await Task.Delay(250);
            }
            var detectedAfter = killed.Elapsed;
            output.WriteLine($"node A declared dead by the cluster {detectedAfter.TotalSeconds:F1} s after the kill (bound {DetectionBound.TotalSeconds:F0} s)");
            Assert.True(dead.ValueKind == JsonValueKind.Object, $"node A (silo port {siloA}) was not declared dead within {detectedAfter.TotalSeconds:F0} s:\n{b.Log[^Math.Min(b.Log.Length, 4000)..]}");
            Assert.True(detectedAfter <= DetectionBound, $"death detected after {detectedAfter.TotalSeconds:F1} s, bound {DetectionBound.TotalSeconds:F0} s");

            // B goes on enrolling; grains that lived on A re-activate on B.
            var afterKill = new List<string>();
            for (var i = 0; i < 6; i++) afterKill.Add(await EnrollAsync(clientB, $"c{i}"));

            afterKill.Add(EstEnroll(b, $"{afterId}:{afterSecret}", "meter-2.cluster.test"));

            // The enrollment left pending on the dead node is approved through B; the device, now routed to B, gets it.
            var door2Serial = await ApproveAsync(clientB, door2.EnrollmentId);
            Assert.Equal(door2Serial.TrimStart('0'), EstRepeat(b, door2, expectedStatus: 200).TrimStart('0'));
            afterKill.Add(door2Serial);

            // Nothing committed before the kill is lost.
            foreach (var serial in committed.Concat(afterKill))
            {
                var response = await clientB.GetAsync($"/api/v1/certificates/{serial}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{serial}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.Equal(serial, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("serial").GetString());
            }

            // A restarts on its data directory (adopting the PostgreSQL its previous process left running) and rejoins.
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(siloA));
            output.WriteLine($"node A restarted and rejoined in {a.ReadyAfter.TotalSeconds:F1} s");
            using var clientA2 = Client(a);
            var rejoined = await ClusterViewAsync(clientA2);
            Assert.Equal(2, rejoined.GetProperty("active").GetInt32());
            Assert.Contains(rejoined.GetProperty("silos").EnumerateArray(), s => s.GetProperty("port").GetInt32() == siloA && s.GetProperty("status").GetString() == "dead");
            Assert.Equal(HttpStatusCode.OK, (await clientA2.GetAsync($"/api/v1/certificates/{afterKill[^1]}")).StatusCode);
            // Every certificate issued to a client, and besides them only the nodes' own (TLS, silo, OCSP responder: protocol gateway).
            var total = JsonDocument.Parse(await clientA2.GetStringAsync("/api/v1/certificates?pageSize=1")).RootElement.GetProperty("total").GetInt64();
            var own = JsonDocument.Parse(await clientA2.GetStringAsync("/api/v1/certificates?protocol=gateway&pageSize=1")).RootElement.GetProperty("total").GetInt64();
            Assert.Equal(committed.Count + afterKill.Count, total - own);
            passed = true;
        }
        finally
        {
            await ClusterNodes.StopAsync(output, passed, dataA, a, b);
        }
    }

    private static HttpClient Client(GatewayProcess node) => ClusterNodes.Client(node, Key);

    private static async Task<JsonElement> ClusterViewAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/cluster");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }


    /// <summary>Enrolls through the admin API; a 503 (cluster still settling) is retried after its Retry-After, as a client would.</summary>
    private static async Task<string> EnrollAsync(HttpClient client, string name)
    {
        var csr = ClusterNodes.Csr($"{name}.cluster.test");
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{name}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("serial").GetString()!;
        }
    }

    private static async Task<(string Id, string Secret)> CreateCredentialAsync(HttpClient admin, string subject)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device", subjects = new[] { subject } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private sealed record PendingDevice(string Dir, string User, string EnrollmentId);

    /// <summary>A device with a credential for est-manual-device asks <paramref name="node"/>: 202; returns its pending enrollment.</summary>
    private async Task<PendingDevice> PendingThroughAsync(GatewayProcess node, HttpClient admin, string dnsName)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "est-manual-device", subjects = new[] { dnsName } });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.Created, created.ToString());
        var dir = Path.Combine(_dir, "est-" + dnsName);
        Directory.CreateDirectory(dir);
        NewCsr(dir, dnsName);
        var device = new PendingDevice(dir, $"{created.GetProperty("id").GetString()}:{created.GetProperty("secret").GetString()}", "");
        EstRepeat(node, device, expectedStatus: 202);
        var list = JsonDocument.Parse(await admin.GetStringAsync(
            $"/api/v1/enrollments?status=pending&profile=est-manual-device&san={Uri.EscapeDataString(dnsName)}")).RootElement;
        return device with { EnrollmentId = Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetString()! };
    }

    private static async Task<string> ApproveAsync(HttpClient admin, string enrollmentId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await admin.PostAsync($"/api/v1/enrollments/{Uri.EscapeDataString(enrollmentId)}/approve", null);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"approve {enrollmentId}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("serial").GetString()!;
        }
    }

    /// <summary>The device's very same simpleenroll (label "manual") on <paramref name="node"/>; returns the serial on 200.</summary>
    private string EstRepeat(GatewayProcess node, PendingDevice device, int expectedStatus)
    {
        var status = Tools.Curl(device.Dir, "answer.b64", "--cacert", Path.Combine(_dir, "root.pem"), "-u", device.User,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@csr.b64",
            $"{node.HttpsUrl}/.well-known/est/{InteropFixture.ManualLabel}/simpleenroll");
        Assert.True(status == expectedStatus, $"EST on {node.HttpsUrl}: {status} (expected {expectedStatus}) {File.ReadAllText(Path.Combine(device.Dir, "answer.b64"))}");
        return status == 200 ? SerialOf(device.Dir, "answer.b64") : "";
    }

    private static void NewCsr(string dir, string dnsName)
    {
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + dnsName,
            "-addext", "subjectAltName=DNS:" + dnsName, "-keyout", "key.pem", "-outform", "DER", "-out", "csr.der");
        Tools.Ok(dir, "openssl", "base64", "-in", "csr.der", "-out", "csr.b64");
    }

    /// <summary>The serial of the certs-only PKCS#7 (base64) EST answered with.</summary>
    private static string SerialOf(string dir, string b64File)
    {
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", b64File, "-out", b64File + ".p7");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", b64File + ".p7", "-print_certs", "-out", b64File + ".pem");
        return Tools.Ok(dir, "openssl", "x509", "-in", b64File + ".pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
    }

    /// <summary>curl enrolls over EST (HTTP Basic, RFC 7030 §3.2.3) on <paramref name="node"/>'s HTTPS port; returns the serial.</summary>
    private string EstEnroll(GatewayProcess node, string user, string dnsName)
    {
        var dir = Path.Combine(_dir, "est-" + dnsName);
        Directory.CreateDirectory(dir);
        NewCsr(dir, dnsName);
        var status = Tools.Curl(dir, "cert.b64", "--cacert", Path.Combine(_dir, "root.pem"), "-u", user, "-H", "Content-Type: application/pkcs10",
            "--data-binary", "@csr.b64", $"{node.HttpsUrl}/.well-known/est/simpleenroll");
        Assert.True(status == 200, $"EST simpleenroll on {node.HttpsUrl}: {status} {File.ReadAllText(Path.Combine(dir, "cert.b64"))}");
        return SerialOf(dir, "cert.b64");
    }


    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
