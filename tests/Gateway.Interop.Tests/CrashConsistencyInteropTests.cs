using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Gateway.Interop.Tests;

/// <summary>
/// The short variant of <c>tests/crash/crash-consistency.sh</c> (issue 14, "Crash consistency, measured"): a gateway of
/// its own under admin and EST enrollment load, killed with SIGKILL mid-load, restarted; every certificate a client
/// received must be in the store with its events and good over OCSP, no serial twice, every in-flight admin
/// transaction id retried to a clean end. The full variant (five runs, both kill modes) is the script's default.
/// </summary>
public sealed partial class CrashConsistencyInteropTests
{
    [GeneratedRegex(@"mode=kill received=(\d+) found=(\d+) lost=(\d+) duplicated=(\d+) ocsp-not-good=(\d+) in-flight=(\d+) retried-ok=(\d+) retried-failed=(\d+)")]
    private static partial Regex SummaryPattern();

    [Fact]
    public async Task CrashScript_gatewayKilledMidLoad_everyReceivedCertificateIsStoredAndGood()
    {
        var root = GatewayProcess.RepoRoot();
        var outDir = Directory.CreateTempSubdirectory("gateway-crash-test-").FullName;
        try
        {
            var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(GatewayProcess.ServerDll()))!);
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(root, "tests", "crash", "crash-consistency.sh"), "--short" }) psi.ArgumentList.Add(a);
            psi.Environment["SKIP_BUILD"] = "1";
            psi.Environment["CONFIGURATION"] = configuration;
            psi.Environment["OUT_DIR"] = outDir;
            psi.Environment["HTTP_PORT"] = GatewayProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["HTTPS_PORT"] = GatewayProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["SILO_PORT"] = GatewayProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
            try
            {
                await p.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail("crash-consistency.sh --short did not finish in 240 s:\n" + await stderr);
            }
            var output = await stdout + await stderr;
            Assert.True(p.ExitCode == 0, $"crash-consistency.sh --short exited {p.ExitCode}:\n{output}");

            var summary = SummaryPattern().Match(output);
            Assert.True(summary.Success, "no summary line:\n" + output);
            int N(int group) => int.Parse(summary.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(N(1) > 0, "no certificate received under load:\n" + output);
            Assert.Equal(N(1), N(2));
            Assert.Equal(0, N(3));
            Assert.Equal(0, N(4));
            Assert.Equal(0, N(5));
            Assert.Equal(N(6), N(7));
            Assert.Equal(0, N(8));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}
