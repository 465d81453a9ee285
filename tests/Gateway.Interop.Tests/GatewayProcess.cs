using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Gateway.Interop.Tests;

/// <summary>The gateway as a new user runs it: its own process, the built src/Gateway.Server, loopback ports.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private GatewayProcess(Process process, int httpPort, int httpsPort, TimeSpan readyAfter)
    {
        _process = process;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        ReadyAfter = readyAfter;
    }

    public int HttpPort { get; }
    public int HttpsPort { get; }
    public TimeSpan ReadyAfter { get; }
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
    public string HttpsUrl => $"https://127.0.0.1:{HttpsPort}";

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }

    public static string ServerDll()
    {
        var configuration = typeof(GatewayProcess).Assembly.GetCustomAttribute<BuildConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepoRoot(), "src", "Gateway.Server", "bin", configuration, "net10.0", "Gateway.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Gateway.Server first", path);
    }

    /// <summary>A free loopback port not handed out before in this process (see <see cref="Gateway.TestSupport.TestPorts"/>).</summary>
    public static int FreePort() => Gateway.TestSupport.TestPorts.Free();

    /// <summary>Starts the server with <paramref name="args"/> (besides ports and data directory) and waits for /health/ready.</summary>
    public static async Task<GatewayProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? args = null,
        int? httpPort = null, int? httpsPort = null)
    {
        var http = httpPort ?? FreePort();
        var https = httpsPort ?? FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ServerDll());
        foreach (var arg in new[]
                 {
                     "--urls", $"http://127.0.0.1:{http};https://127.0.0.1:{https}", $"--Gateway:DataDir={dataDir}",
                     $"--Gateway:Cluster:SiloPort={FreePort()}",
                 }.Concat(args ?? []))
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(psi)!;
        var gateway = new GatewayProcess(process, http, https, TimeSpan.Zero);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(150))
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // without a timeout it also waits for the redirected output to be read to the end
                throw new InvalidOperationException($"The gateway exited during start (code {process.ExitCode}):\n{gateway.Log}");
            }
            try
            {
                var ready = await probe.GetAsync($"http://127.0.0.1:{http}/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return new GatewayProcess(process, http, https, stopwatch.Elapsed) { }.WithLog(gateway);
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"The gateway did not become ready in 150 s:\n{gateway.Log}");
    }

    private GatewayProcess WithLog(GatewayProcess starting)
    {
        // Keep collecting output into the instance the caller holds.
        lock (starting._log) _log.Append(starting._log);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        return this;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 4_000_000) _log.AppendLine(line);
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The gateway's process id (its embedded PostgreSQL runs in processes of its own).</summary>
    public int ProcessId => _process.Id;

    /// <summary>SIGKILL, as a crash or an OOM kill would: no shutdown code runs. Only the gateway process dies; an embedded
    /// PostgreSQL it started runs on (pg_ctl detaches it) and is adopted by the next gateway started on that data directory.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Graceful stop (SIGTERM), as an operator would; the embedded PostgreSQL stops with it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) kill.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
