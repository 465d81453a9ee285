using System.Diagnostics;
using System.Net.Sockets;

namespace Gateway.TestSupport;

/// <summary>
/// Debian's <c>pebble-challtestsrv</c> as the mock DNS server ACME validation resolves names through: every A query
/// is answered with 127.0.0.1 (and AAAA with ::1), so <c>*.test</c> names reach certbot's standalone server on loopback;
/// TXT records for dns-01 are set through its management API (<see cref="SetTxtAsync"/>). Shared by the interop and
/// ACME test projects (linked source).
/// </summary>
public sealed class ChallengeTestServer : IDisposable
{
    private readonly Process _process;

    private ChallengeTestServer(Process process, int dnsPort)
    {
        _process = process;
        DnsPort = dnsPort;
    }

    public int DnsPort { get; }

    public int ManagementPort { get; private init; }

    /// <summary>Adds a TXT record (pebble-challtestsrv's <c>/set-txt</c>); <paramref name="host"/> is a fully qualified name.</summary>
    public async Task SetTxtAsync(string host, string value)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{ManagementPort}/set-txt",
            new StringContent($"{{\"host\":\"{host.TrimEnd('.')}.\",\"value\":\"{value}\"}}"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A TCP port free on 127.0.0.1 now.</summary>
    public static int FreePort() => TestPorts.Free();

    public static ChallengeTestServer Start()
    {
        var dnsPort = FreePort();
        var managementPort = FreePort();
        var psi = new ProcessStartInfo("pebble-challtestsrv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-dns01", $"127.0.0.1:{dnsPort}", "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", $"127.0.0.1:{managementPort}" })
            psi.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("pebble-challtestsrv is not installed (Debian package 'pebble'; .ci/run installs it).", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Wait until the DNS port answers over TCP as well (the server listens on UDP and TCP).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", managementPort);
                return new ChallengeTestServer(process, dnsPort) { ManagementPort = managementPort };
            }
            catch (SocketException)
            {
                if (process.HasExited) throw new InvalidOperationException($"pebble-challtestsrv exited with {process.ExitCode}.");
                Thread.Sleep(100);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("pebble-challtestsrv did not listen within 20 s.");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
