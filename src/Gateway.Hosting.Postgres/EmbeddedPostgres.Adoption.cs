using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting.Postgres;

/// <summary>A server already running on the data directory: whose it is, whether to share, adopt or refuse it.</summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>The ready server already running on <paramref name="dataDir"/>, or null when none is (stale lock files are dealt with).</summary>
    private static async Task<PostmasterPidFile?> FindRunningServerAsync(string dataDir, bool asPostgres, TimeSpan startTimeout, ILogger logger,
        CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var warnedStarting = false;
        var pidPath = Path.Combine(dataDir, PostmasterPidFile.FileName);
        while (true)
        {
            if (!File.Exists(pidPath))
            {
                return null;
            }

            var pidFile = PostmasterPidFile.TryRead(dataDir);
            if (pidFile is not null)
            {
                var stat = HostProcess.ReadStat(pidFile.Pid);
                if (stat is null)
                {
                    logger.LogWarning(
                        "Embedded PostgreSQL on {DataDirectory} was not shut down cleanly (postmaster.pid names PID {Pid}, which is gone); it will recover on start",
                        dataDir, pidFile.Pid);
                    return null; // the server removes the stale lock file itself and runs crash recovery
                }

                if (stat.Value.State == 'Z')
                {
                    if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        logger.LogWarning("postmaster.pid in {DataDirectory} names PID {Pid}, a dead process nobody reaps; removing the stale lock file", dataDir, pidFile.Pid);
                        TryDelete(pidPath);
                        return null;
                    }
                }
                else if (!IsPostmasterOf(pidFile.Pid, dataDir))
                {
                    logger.LogWarning(
                        "postmaster.pid in {DataDirectory} names PID {Pid}, which now belongs to another program; removing the stale lock file",
                        dataDir, pidFile.Pid);
                    TryDelete(pidPath);
                    return null;
                }
                else if (pidFile.DataDirectory.Length > 0 && !SameDirectory(pidFile.DataDirectory, dataDir))
                {
                    throw new EmbeddedPostgresException(
                        $"postmaster.pid in {dataDir} names PID {pidFile.Pid} serving another data directory ({pidFile.DataDirectory}); the gateway does not adopt " +
                        "a PostgreSQL of another directory. Stop that server or remove the copied postmaster.pid, or point Gateway:DataDir elsewhere.");
                }
                else if (ForeignOwner(pidFile.Pid, asPostgres) is { } owner)
                {
                    throw new EmbeddedPostgresException(
                        $"A PostgreSQL server (PID {pidFile.Pid}) runs on {dataDir} as uid {owner.Actual}, not as uid {owner.Expected} that the gateway runs it as; " +
                        $"the gateway does not adopt a server that belongs to another user. Stop it (pg_ctl -D {dataDir} stop as its owner), or point Gateway:DataDir elsewhere.");
                }
                else if (pidFile.IsReady && pidFile.Port > 0)
                {
                    return pidFile;
                }
                else if (pidFile.Status is "starting" && !warnedStarting && deadline.Elapsed > TimeSpan.FromSeconds(5))
                {
                    warnedStarting = true;
                    logger.LogWarning("Embedded PostgreSQL (PID {Pid}) on {DataDirectory} is still starting (crash recovery?); waiting up to {Timeout}",
                        pidFile.Pid, dataDir, startTimeout);
                }
            }

            if (deadline.Elapsed > startTimeout)
            {
                throw new EmbeddedPostgresException(
                    $"A PostgreSQL server is running on {dataDir} (postmaster.pid: PID {pidFile?.Pid}, status '{pidFile?.Status}') " +
                    $"but did not become ready within {startTimeout.TotalSeconds:0} s ({EmbeddedPostgresOptions.StartTimeoutOption}). " +
                    $"If it is recovering after a crash, give it longer; otherwise stop it (pg_ctl -D {dataDir} stop) and start the gateway again.");
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The uid a running postmaster has when it is not the one the gateway runs PostgreSQL as; null when it is (or cannot be told).</summary>
    private static (int Actual, int Expected)? ForeignOwner(int pid, bool asPostgres)
    {
        if (!HostProcess.HasProcFs) return null;
        var actual = HostProcess.ReadUid(pid);
        var expected = asPostgres ? HostProcess.UidOf("postgres") : HostProcess.ReadUid(Environment.ProcessId);
        return actual is { } a && expected is { } e && a != e ? (a, e) : null;
    }

    private static bool IsPostmasterOf(int pid, string dataDir)
    {
        if (!HostProcess.HasProcFs)
        {
            return true; // cannot tell: assume it is, as pg_ctl does
        }

        var command = HostProcess.ReadCommand(pid);
        if (command is not ("postgres" or "postmaster"))
        {
            return false;
        }

        var cwd = HostProcess.ReadWorkingDirectory(pid); // the postmaster runs in its data directory
        return cwd is null || string.Equals(cwd, dataDir, StringComparison.Ordinal) || SameDirectory(cwd, dataDir);
    }

    private static bool SameDirectory(string a, string b)
    {
        try
        {
            var ra = new DirectoryInfo(a).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? a;
            var rb = new DirectoryInfo(b).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? b;
            return string.Equals(Path.TrimEndingDirectorySeparator(ra), Path.TrimEndingDirectorySeparator(rb), StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WriteOwnerFileAsync(string dataDir, bool asPostgres, CancellationToken ct)
    {
        var pid = Environment.ProcessId;
        var path = Path.Combine(dataDir, OwnerFileName);
        await File.WriteAllTextAsync(path, $"{pid.ToString(CultureInfo.InvariantCulture)} {HostProcess.ReadStat(pid)?.StartTime}\n", ct).ConfigureAwait(false);
        if (asPostgres)
        {
            await ChownToPostgresAsync([path], recursive: false, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The gateway process recorded in gateway.owner (pid and start time, so a reused PID does not count) is still alive.</summary>
    private static bool IsOwnerAlive(string dataDir)
    {
        string[] fields;
        try
        {
            fields = File.ReadAllText(Path.Combine(dataDir, OwnerFileName)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        if (fields.Length == 0 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        var stat = HostProcess.ReadStat(pid);
        if (stat is null || stat.Value.State == 'Z')
        {
            return false;
        }

        return fields.Length < 2 || stat.Value.StartTime.Length == 0 || fields[1] == stat.Value.StartTime;
    }
}
