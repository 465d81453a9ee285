using System.Diagnostics;
using System.Text;

namespace Gateway.Hosting.Postgres;

/// <summary>Runs the PostgreSQL tools, as the <c>postgres</c> system user when we are root (initdb and postgres refuse root).</summary>
internal static class PgProcess
{
    public const string SystemUser = "postgres";

    private static readonly string[] RunuserCandidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];
    private static readonly string[] ScrubbedVariables = ["PGDATA", "PGPORT", "PGHOST", "PGHOSTADDR", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGOPTIONS", "PGSERVICE"];

    public static async Task<PgProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, bool asPostgres, TimeSpan timeout, CancellationToken ct)
    {
        var (file, args) = asPostgres ? WrapForPostgresUser(fileName, arguments) : (fileName, arguments);
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Our own working directory may be one the postgres user cannot enter (e.g. under /root).
            WorkingDirectory = "/",
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";
        foreach (var v in ScrubbedVariables)
        {
            psi.Environment.Remove(v);
        }

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EmbeddedPostgresException($"Could not run {file}: {e.Message}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            ct.ThrowIfCancellationRequested();
            throw new EmbeddedPostgresException(
                $"{Describe(fileName, arguments)} did not finish within {timeout.TotalSeconds:0} s and was killed.");
        }

        // A daemon that kept our pipes open must not hang us: pg_ctl redirects the server's output to its log, so this is quick.
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        return new PgProcessResult(
            process.ExitCode,
            stdout.IsCompletedSuccessfully ? stdout.Result : "",
            stderr.IsCompletedSuccessfully ? stderr.Result : "");
    }

    public static string Describe(string fileName, IReadOnlyList<string> arguments) =>
        Path.GetFileName(fileName) + (arguments.Count > 0 ? " " + string.Join(' ', arguments) : "");

    private static (string File, IReadOnlyList<string> Args) WrapForPostgresUser(string fileName, IReadOnlyList<string> arguments)
    {
        var runuser = RunuserCandidates.FirstOrDefault(File.Exists);
        if (runuser is not null)
        {
            return (runuser, ["-u", SystemUser, "--", fileName, .. arguments]);
        }

        var command = new StringBuilder("exec ").Append(ShellQuote(fileName));
        foreach (var a in arguments)
        {
            command.Append(' ').Append(ShellQuote(a));
        }

        return ("su", [SystemUser, "-s", "/bin/sh", "-c", command.ToString()]);
    }

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // not ours to kill any more
        }
    }
}
