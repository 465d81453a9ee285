using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// The README's run command as a new user would use it: the server as its own process, OpenSSL as the client, a
/// restart on the same data directory.
/// </summary>
public sealed class ServerProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "process-test-key-0123456789";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-proc-" + Guid.NewGuid().ToString("N")[..12]);

    private static HttpClient Client(string baseUrl, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Server_process_issues_openssl_csr_and_keeps_it_across_restart()
    {
        Directory.CreateDirectory(_dir);
        var dataDir = Path.Combine(_dir, "data");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        string serial;
        int httpPort, httpsPort;
        await using (var server = await GatewayProcess.StartAsync(dataDir, env))
        {
            (httpPort, httpsPort) = (server.HttpPort, server.HttpsPort);
            output.WriteLine($"first start (initdb + CA generation) ready in {server.ReadyAfter.TotalSeconds:F1} s");
            Tools.Ok(_dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=x.example.test",
                "-addext", "subjectAltName=DNS:x.example.test", "-keyout", "key.pem", "-out", "csr.pem");
            using var client = Client(server.HttpUrl, Key);
            var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = await File.ReadAllTextAsync($"{_dir}/csr.pem") });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            var issued = JsonDocument.Parse(body).RootElement;
            serial = issued.GetProperty("serial").GetString()!;
            await File.WriteAllTextAsync($"{_dir}/cert.pem", issued.GetProperty("certificate").GetString());
            await File.WriteAllTextAsync($"{_dir}/root.pem", await client.GetStringAsync("/ca/root.pem"));
            await File.WriteAllTextAsync($"{_dir}/chain.pem", await client.GetStringAsync("/ca/chain.pem"));
            Assert.Contains("cert.pem: OK", Tools.Ok(_dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "cert.pem"));
            Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(Path.Combine(dataDir, "ca", "issuing.key")));
            // The HTTPS endpoint presents a certificate from the gateway's own CA, chain included: curl trusts it with the root alone.
            Assert.Equal(200, Tools.Curl(_dir, "live.txt", "--cacert", "root.pem", $"{server.HttpsUrl}/health/live"));
        }

        await using (var restarted = await GatewayProcess.StartAsync(dataDir, env, httpPort: httpPort, httpsPort: httpsPort))
        {
            output.WriteLine($"second start ready in {restarted.ReadyAfter.TotalSeconds:F1} s");
            using var client = Client(restarted.HttpUrl, Key);
            var record = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
            Assert.Equal(serial, record.GetProperty("serial").GetString());
            var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}/history")).RootElement;
            Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "certificate_issued");

            var garbage = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = "garbage" });
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            using var anonymous = Client(restarted.HttpUrl, null);
            var csr = await File.ReadAllTextAsync($"{_dir}/csr.pem");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "nope", csr })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
