using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Server.Tests;

/// <summary>
/// The README's run command as a new user would use it: the server as its own process (built output of
/// src/Gateway.Server), OpenSSL as the client, a restart on the same data directory.
/// </summary>
public sealed class ServerProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "process-test-key-0123456789";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-proc-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Server_process_issues_openssl_csr_and_keeps_it_across_restart()
    {
        Directory.CreateDirectory(_dir);
        var dataDir = Path.Combine(_dir, "data");
        var httpPort = GatewayFixture.FreePort();
        var httpsPort = GatewayFixture.FreePort();
        var baseUrl = $"http://127.0.0.1:{httpPort}";

        var (server, firstStart) = await StartAsync(dataDir, httpPort, httpsPort);
        string serial;
        try
        {
            output.WriteLine($"first start (initdb + CA generation) ready in {firstStart.TotalSeconds:F1} s");
            Run("openssl", $"req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=x.example.test -addext subjectAltName=DNS:x.example.test -keyout {_dir}/key.pem -out {_dir}/csr.pem");
            using var client = Client(baseUrl, Key);
            var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = await File.ReadAllTextAsync($"{_dir}/csr.pem") });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            var issued = JsonDocument.Parse(body).RootElement;
            serial = issued.GetProperty("serial").GetString()!;
            await File.WriteAllTextAsync($"{_dir}/cert.pem", issued.GetProperty("certificate").GetString());
            await File.WriteAllTextAsync($"{_dir}/root.pem", await client.GetStringAsync("/ca/root.pem"));
            await File.WriteAllTextAsync($"{_dir}/chain.pem", await client.GetStringAsync("/ca/chain.pem"));
            var verify = Run("openssl", $"verify -CAfile {_dir}/root.pem -untrusted {_dir}/chain.pem {_dir}/cert.pem");
            Assert.Contains($"{_dir}/cert.pem: OK", verify);
            Assert.True(File.Exists(Path.Combine(dataDir, "ca", "issuing.key")));
            Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(Path.Combine(dataDir, "ca", "issuing.key")));
        }
        finally
        {
            await StopAsync(server);
        }

        var (restarted, secondStart) = await StartAsync(dataDir, httpPort, httpsPort);
        try
        {
            output.WriteLine($"second start ready in {secondStart.TotalSeconds:F1} s");
            using var client = Client(baseUrl, Key);
            var record = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
            Assert.Equal(serial, record.GetProperty("serial").GetString());
            var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}/history")).RootElement;
            Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "certificate_issued");

            var garbage = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = "garbage" });
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            using var anonymous = Client(baseUrl, null);
            var noKey = await anonymous.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = await File.ReadAllTextAsync($"{_dir}/csr.pem") });
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
            var unknown = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "nope", csr = await File.ReadAllTextAsync($"{_dir}/csr.pem") });
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            await StopAsync(restarted);
        }
    }

    private static HttpClient Client(string baseUrl, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<(Process Process, TimeSpan ReadyAfter)> StartAsync(string dataDir, int httpPort, int httpsPort)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Gateway.Server.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = GatewayFixture.RepoRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     serverDll, "--urls", $"http://127.0.0.1:{httpPort};https://127.0.0.1:{httpsPort}", $"--Gateway:DataDir={dataDir}",
                     $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}", $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["Gateway__Admin__BootstrapApiKey"] = Key;
        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(120))
        {
            Assert.False(process.HasExited, "the server exited during start");
            try
            {
                var ready = await probe.GetAsync($"http://127.0.0.1:{httpPort}/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return (process, stopwatch.Elapsed);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the server did not become ready in 120 s");
    }

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        process.Dispose();
    }

    private static string Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {args} failed: {stdout}");
        return stdout;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
