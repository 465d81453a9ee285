using System.Text.RegularExpressions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 14 item 9, through <c>tests/crash/backup-restore.sh</c>: enroll three, revoke one, <c>deploy/backup.sh</c>
/// while the gateway runs, <c>deploy/restore.sh</c> into a fresh data directory, start the restored gateway: the same
/// certificates (fingerprints), the same CRL (revoked serials) and the same OCSP answers (good, revoked).
/// </summary>
public sealed partial class BackupRestoreInteropTests
{
    [GeneratedRegex(@"^([0-9a-f]+) [0-9a-f]{64} (valid|revoked) (good|revoked)$", RegexOptions.Multiline)]
    private static partial Regex CertificateLine();

    [Fact]
    public async Task BackupRestore_restoredIntoFreshDataDir_servesSameCertificatesCrlAndOcsp()
    {
        var (exitCode, output) = await ScriptRun.RunAsync("tests/crash/backup-restore.sh", TimeSpan.FromSeconds(300));

        Assert.True(exitCode == 0, $"backup-restore.sh exited {exitCode}:\n{output}");
        var lines = CertificateLine().Matches(output);
        Assert.Equal(3, lines.Count);
        var revoked = Assert.Single(lines, m => m.Groups[3].Value == "revoked");
        Assert.Contains("crl-revoked " + revoked.Groups[1].Value, output, StringComparison.Ordinal);
        Assert.Contains("CA passphrase not included", output, StringComparison.Ordinal);
    }
}
