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
        var (exitCode, output) = await ScriptRun.RunAsync("tests/crash/crash-consistency.sh", TimeSpan.FromSeconds(240), "--short");
        Assert.True(exitCode == 0, $"crash-consistency.sh --short exited {exitCode}:\n{output}");

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
}
