using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13's acceptance test: a gateway process with Debug logging everywhere, an explicit CA passphrase and an admin
/// key, runs the flows that carry secrets (admin enrollment with the API key, a credential's creation, EST simpleenroll
/// with HTTP Basic, EST serverkeygen, a refused API key); then every log it wrote (its stdout and stderr, and every log
/// file under its data directory) is searched for each secret. None may appear.
/// </summary>
public sealed class SecretsInLogsInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-secrets-" + Guid.NewGuid().ToString("N")[..12]);

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    [Fact]
    public async Task Flows_withDebugLogging_writeNoSecretToAnyLog()
    {
        Directory.CreateDirectory(_dir);
        var dataDir = Path.Combine(_dir, "data");
        var apiKey = "logs-admin-" + Random(16);
        var passphrase = "logs-passphrase-" + Random(16);
        var wrongKey = "logs-wrong-key-" + Random(16);
        var secrets = new Dictionary<string, string> { ["API key"] = apiKey, ["CA passphrase"] = passphrase, ["refused API key"] = wrongKey };

        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = apiKey, ["Gateway__Ca__Passphrase"] = passphrase };
        string[] debug = ["Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Orleans", "Polly", "Marten", "Weasel", "JasperFx",
            "Gateway", "Gateway.Admin.Authentication", "System.Net.Http"];
        var gateway = await GatewayProcess.StartAsync(dataDir, env,
            [$"--Gateway:Policies:Path={InteropFixture.PoliciesDir}", .. debug.Select(c => $"--Logging:LogLevel:{c}=Debug")]);
        string credentialId;
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri(gateway.HttpUrl) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            await File.WriteAllTextAsync(Path.Combine(_dir, "root.pem"), await admin.GetStringAsync("/ca/root.pem"));

            // Admin enrollment with the API key.
            Tools.Ok(_dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=logs.example.test",
                "-addext", "subjectAltName=DNS:logs.example.test", "-keyout", "admin.key", "-out", "admin.csr");
            using (var enrolled = await admin.PostAsJsonAsync("/api/v1/enrollments",
                new { profile = "web-server", csr = await File.ReadAllTextAsync(Path.Combine(_dir, "admin.csr")) }))
            {
                Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
            }

            // Credential creation, then EST simpleenroll and serverkeygen with HTTP Basic.
            using var created = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device", subjects = new[] { "meter-logs.devices.test" } });
            var credential = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            Assert.True(created.StatusCode == HttpStatusCode.Created, credential.ToString());
            var id = credentialId = credential.GetProperty("id").GetString()!;
            var secret = credential.GetProperty("secret").GetString()!;
            secrets["credential secret"] = secret;
            secrets["HTTP Basic credentials"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}"));

            Tools.Ok(_dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=meter-logs.devices.test",
                "-addext", "subjectAltName=DNS:meter-logs.devices.test", "-keyout", "dev.key", "-outform", "DER", "-out", "dev.csr.der");
            Tools.Ok(_dir, "openssl", "base64", "-in", "dev.csr.der", "-out", "dev.csr.b64");
            string[] basic = ["--cacert", "root.pem", "-u", $"{id}:{secret}", "-H", "Content-Type: application/pkcs10", "--data-binary", "@dev.csr.b64"];
            var status = Tools.Curl(_dir, "enroll.b64", [.. basic, $"{gateway.HttpsUrl}/.well-known/est/simpleenroll"]);
            Assert.True(status == 200, $"simpleenroll {status}: {File.ReadAllText(Path.Combine(_dir, "enroll.b64"))}");

            status = Tools.Curl(_dir, "keygen.txt", [.. basic, "-D", "keygen-headers.txt", $"{gateway.HttpsUrl}/.well-known/est/serverkeygen"]);
            var multipart = File.ReadAllText(Path.Combine(_dir, "keygen.txt"));
            Assert.True(status == 200, $"serverkeygen {status}: {multipart}");
            var boundary = File.ReadAllText(Path.Combine(_dir, "keygen-headers.txt")).Split('\n')
                .First(l => l.StartsWith("Content-Type: multipart/mixed", StringComparison.OrdinalIgnoreCase)).Split("boundary=")[1].Trim().Trim('"');
            var keyPart = multipart.Split("--" + boundary).Select(p => p.Trim()).First(p => p.Contains("application/pkcs8", StringComparison.OrdinalIgnoreCase));
            var keyBase64 = keyPart[(keyPart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim();
            var keyDer = Convert.FromBase64String(keyBase64);
            var keyPem = PemEncoding.WriteString("PRIVATE KEY", keyDer);
            secrets["serverkeygen key (base64 as sent)"] = keyBase64.Split('\n')[0].Trim();
            secrets["serverkeygen key (base64, one line)"] = Convert.ToBase64String(keyDer);
            var pemLines = keyPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
            for (var i = 0; i < pemLines.Count; i++) secrets[$"serverkeygen key (PEM line {i + 1})"] = pemLines[i];
            secrets["serverkeygen key (hex)"] = Convert.ToHexString(keyDer);

            // A refused API key: logged, with the client address, without the key.
            using var wrong = new HttpClient { BaseAddress = new Uri(gateway.HttpUrl) };
            wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrongKey);
            using (var refused = await wrong.GetAsync("/api/v1/certificates")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        }
        finally
        {
            await gateway.DisposeAsync(); // a graceful stop flushes every logger
        }
        var log = gateway.Log;

        Assert.True(log.Length < 4_000_000, "the captured output was truncated; the search would miss its end");
        Assert.Contains("dbug:", log); // Debug really was on
        Assert.Contains("Refused admin API key from 127.0.0.1", log);
        Assert.Contains(credentialId, log); // the search reaches what the grains log: the id is logged, its secret must not be

        var logs = new Dictionary<string, string> { ["stdout/stderr"] = log };
        foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
                     .Where(f => f.Contains("log", StringComparison.OrdinalIgnoreCase) && !f.Contains("pg_wal", StringComparison.Ordinal)))
        {
            logs[Path.GetRelativePath(dataDir, file)] = await File.ReadAllTextAsync(file);
        }
        output.WriteLine($"searched {logs.Count} logs ({string.Join(", ", logs.Keys)}), {logs.Values.Sum(l => l.Length)} characters, for {secrets.Count} secrets");
        Assert.True(logs.Count > 1, "no log file under the data directory (PostgreSQL's log expected)");

        var found = (from l in logs from s in secrets where s.Value.Length >= 16 && l.Value.Contains(s.Value, StringComparison.Ordinal)
                     select $"{s.Key} in {l.Key}").ToList();
        Assert.True(found.Count == 0, "secrets in logs: " + string.Join("; ", found));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
