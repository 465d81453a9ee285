using Microsoft.Extensions.Logging;

namespace Gateway.Hosting.Postgres;

/// <summary>Running as root: the postgres system user, ownership of the data directory and traversable ancestors.</summary>
public sealed partial class EmbeddedPostgres
{
    private static async Task EnsurePostgresUserAsync(CancellationToken ct)
    {
        var result = await PgProcess.RunAsync("id", ["-u", PgProcess.SystemUser], asPostgres: false, ToolTimeout, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                "The gateway runs as root, and PostgreSQL refuses to run as root, but there is no 'postgres' system user to run it as. " +
                "Create it (Debian: apt-get install postgresql creates it; otherwise useradd --system postgres), run the gateway as a non-root user, " +
                "or set ConnectionStrings:Gateway to an external database.");
        }
    }

    private static async Task ChownToPostgresAsync(IReadOnlyList<string> paths, bool recursive, CancellationToken ct)
    {
        string[] args = recursive ? ["-R", PgProcess.SystemUser + ":", .. paths] : [PgProcess.SystemUser + ":", .. paths];
        var result = await PgProcess.RunAsync("chown", args, asPostgres: false, ToolTimeout, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException($"chown {string.Join(' ', args)} failed (exit code {result.ExitCode}): {result.Output}");
        }
    }

    /// <summary>The postgres user can reach <paramref name="dataDir"/> and owns it (fixing both when needed).</summary>
    private static async Task EnsurePostgresCanUseAsync(string dataDir, ILogger logger, CancellationToken ct)
    {
        // The data directory itself is searchable once postgres owns it (mode 0700); its ancestors need x for postgres.
        var parent = Path.GetDirectoryName(dataDir) ?? "/";
        var report = await CheckAsPostgresAsync(Ancestors(parent), dataDir, ct).ConfigureAwait(false);
        if (report.Unreachable.Count > 0)
        {
            await EnsureTraversableAsync(parent, logger, ct).ConfigureAwait(false);
        }

        if (!report.OwnsDataDirectory)
        {
            logger.LogWarning("The embedded PostgreSQL data directory {DataDirectory} is not owned by the postgres user; chowning it recursively", dataDir);
            await ChownToPostgresAsync([dataDir], recursive: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Adds o+x to the ancestors of <paramref name="dir"/> the postgres user cannot traverse, or fails saying which.</summary>
    private static async Task EnsureTraversableAsync(string dir, ILogger logger, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no postgres system user, no Unix modes
        }

        var ancestors = Ancestors(dir);
        var report = await CheckAsPostgresAsync(ancestors, null, ct).ConfigureAwait(false);
        if (report.Unreachable.Count == 0)
        {
            return;
        }

        var opened = new List<string>();
        foreach (var a in ancestors.Where(report.Unreachable.Contains))
        {
            var mode = File.GetUnixFileMode(a);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(a, mode | UnixFileMode.OtherExecute);
                opened.Add(a);
            }
        }

        if (opened.Count > 0)
        {
            logger.LogWarning(
                "The postgres system user could not reach {Directory}; added the execute (search) bit for others (o+x) on {Directories}",
                dir, string.Join(", ", opened));
        }

        report = await CheckAsPostgresAsync(ancestors, null, ct).ConfigureAwait(false);
        if (report.Unreachable.Count > 0)
        {
            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL runs as the 'postgres' system user (the gateway runs as root), which cannot reach {dir}: " +
                $"no search (x) permission on {string.Join(", ", ancestors.Where(report.Unreachable.Contains))}. " +
                "Choose a Gateway:DataDir the postgres user can reach, grant it access, or set ConnectionStrings:Gateway to an external database.");
        }
    }

    /// <summary>"/", "/a", "/a/b", … up to and including <paramref name="dir"/>.</summary>
    private static List<string> Ancestors(string dir)
    {
        var list = new List<string>();
        for (var d = dir; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            list.Add(d);
        }

        list.Reverse();
        return list;
    }

    private static async Task<(HashSet<string> Unreachable, bool OwnsDataDirectory)> CheckAsPostgresAsync(
        IReadOnlyList<string> traverse, string? owned, CancellationToken ct)
    {
        // One process for all checks: "x:<dir>" for each directory it cannot search, "o" if it does not own the data directory.
        const string script = """owned="$1"; shift; for d in "$@"; do test -x "$d" || echo "x:$d"; done; if [ -n "$owned" ] && ! test -O "$owned"; then echo o; fi""";
        var result = await PgProcess.RunAsync("/bin/sh", ["-c", script, "sh", owned ?? "", .. traverse], asPostgres: true, ToolTimeout, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException($"Could not run a check as the postgres system user (exit code {result.ExitCode}): {result.Output}");
        }

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines.Where(l => l.StartsWith("x:", StringComparison.Ordinal)).Select(l => l[2..]).ToHashSet(StringComparer.Ordinal),
                !lines.Contains("o"));
    }
}
