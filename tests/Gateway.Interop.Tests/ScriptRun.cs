using System.Diagnostics;
using System.Globalization;

namespace Gateway.Interop.Tests;

/// <summary>Runs one of the repository's test scripts (bash) against the built server, on free loopback ports.</summary>
internal static class ScriptRun
{
    /// <summary>Runs <paramref name="script"/> (relative to the repository root) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, TimeSpan limit, params string[] args)
    {
        var root = GatewayProcess.RepoRoot();
        var outDir = Directory.CreateTempSubdirectory("gateway-script-test-").FullName;
        try
        {
            var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(GatewayProcess.ServerDll()))!);
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(root, script));
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["SKIP_BUILD"] = "1";
            psi.Environment["CONFIGURATION"] = configuration;
            psi.Environment["OUT_DIR"] = outDir;
            foreach (var name in new[] { "HTTP_PORT", "HTTPS_PORT", "SILO_PORT" })
                psi.Environment[name] = GatewayProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await p.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"{script} did not finish in {limit.TotalSeconds} s:\n" + await stderr);
            }
            return (p.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}
