using System.Diagnostics;
using System.Globalization;

namespace Gateway.Hosting.Postgres;

/// <summary>Finding the PostgreSQL binaries and checking their version against the cluster.</summary>
public sealed partial class EmbeddedPostgres
{
    private static string ResolveBinDirectory(string? configured, string? clusterMajor)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var dir = Path.GetFullPath(configured);
            if (!HasServerBinaries(dir))
            {
                throw new EmbeddedPostgresException(
                    $"No PostgreSQL server binaries found in the configured BinDirectory '{dir}' (it needs initdb, pg_ctl and postgres). {MissingBinariesAdvice}");
            }

            return dir;
        }

        return FindBinDirectory(clusterMajor) ?? throw new EmbeddedPostgresException(
            $"No PostgreSQL server binaries found (looked on PATH, pg_config --bindir, /usr/lib/postgresql/*/bin). {MissingBinariesAdvice}");
    }

    private static string? FindBinDirectory(string? preferredMajor)
    {
        // An existing cluster can only be run by its own major version: prefer that Debian installation when present.
        if (preferredMajor is not null)
        {
            var versioned = Path.Combine("/usr/lib/postgresql", preferredMajor, "bin");
            if (HasServerBinaries(versioned))
            {
                return versioned;
            }
        }

        foreach (var entry in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathFullyQualified(entry) || !File.Exists(Tool(entry, "initdb")) || !File.Exists(Tool(entry, "pg_ctl")))
            {
                continue;
            }

            // /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb: use the installation, where postgres is too.
            var real = RealDirectory(Tool(entry, "initdb"));
            if (real is not null && HasServerBinaries(real))
            {
                return real;
            }

            if (HasServerBinaries(entry))
            {
                return Path.TrimEndingDirectorySeparator(entry);
            }
        }

        var fromPgConfig = PgConfigBinDir();
        if (fromPgConfig is not null && HasServerBinaries(fromPgConfig))
        {
            return fromPgConfig;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            return Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : -1m))
                .Where(x => x.Version >= 0 && HasServerBinaries(x.Dir))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
        }

        return null;
    }

    private static string Tool(string dir, string name) => Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name);

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Tool(dir, "initdb")) && File.Exists(Tool(dir, "pg_ctl")) && File.Exists(Tool(dir, "postgres"));

    private static string? RealDirectory(string file)
    {
        try
        {
            var target = File.ResolveLinkTarget(file, returnFinalTarget: true);
            return target is null ? null : Path.GetDirectoryName(target.FullName);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (p is null)
            {
                return null;
            }

            var output = p.StandardOutput.ReadToEnd().Trim();
            if (!p.WaitForExit(10_000))
            {
                p.Kill();
                return null;
            }

            return p.ExitCode == 0 && Path.IsPathFullyQualified(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no pg_config on PATH
        }
    }

    private static string? ReadClusterVersion(string dataDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dataDir, "PG_VERSION")).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task CheckServerVersionAsync(string binDir, string dataDir, CancellationToken ct)
    {
        var cluster = ReadClusterVersion(dataDir);
        var result = await PgProcess.RunAsync(Tool(binDir, "postgres"), ["--version"], asPostgres: false, ToolTimeout, ct).ConfigureAwait(false);

        // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
        var text = result.StandardOutput;
        var marker = text.IndexOf(") ", StringComparison.Ordinal);
        var version = marker < 0 ? "" : new string(text[(marker + 2)..].TakeWhile(char.IsDigit).ToArray());
        if (cluster is not null && version.Length > 0 && cluster != version)
        {
            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL data directory {dataDir} was created by PostgreSQL {cluster}, but the server binaries in {binDir} are version {version}. " +
                $"Install PostgreSQL {cluster} (or set BinDirectory to it), or upgrade the cluster with pg_upgrade.");
        }
    }
}
