using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Hosting.Postgres;

/// <summary>
/// A private PostgreSQL cluster the gateway runs itself when no <c>ConnectionStrings:Gateway</c> is configured.
/// </summary>
/// <remarks>
/// <para>First start: <c>initdb</c> (UTF8, locale C) into a staging directory next to <see cref="DataDirectory"/>, then moved into place,
/// so an interrupted initdb never leaves a half-made cluster. Authentication: <c>scram-sha-256</c> on 127.0.0.1 with generated
/// passwords kept in <c>gateway.password</c> (role <c>gateway</c>, owner of the database) and <c>postgres.password</c> (superuser),
/// both mode 0600 inside the 0700 data directory; <c>trust</c> only on the Unix socket, which lives in the data directory and so is
/// reachable only by the cluster's owner and root. The server listens on 127.0.0.1 only.</para>
/// <para>Settings (<c>gateway.conf</c>, included from postgresql.conf, rewritten at every start): listen_addresses 127.0.0.1, the port,
/// unix_socket_directories = the data directory, max_connections 200, shared_buffers 128MB, fsync on, synchronous_commit on, full_page_writes on, wal_init_zero off, wal_sync_method open_datasync, a background writer of up to 1,000 pages every 50 ms,
/// wal_compression and default_toast_compression lz4 where the binaries support it.</para>
/// <para>When the process runs as root the tools run as the <c>postgres</c> system user (via runuser, else su); the data directory is
/// chowned to it, and ancestors it cannot traverse get o+x (logged as a warning).</para>
/// <para>A server already running on the data directory is reused, never started twice. If the gateway process that started it is
/// still alive (recorded in <c>gateway.owner</c>) the server is shared: this instance's <see cref="StopAsync"/> leaves it running.
/// If that process is gone (it crashed or was killed) the orphaned server is adopted and stopped by this instance.
/// A <c>postmaster.pid</c> left by a dead server is handled by PostgreSQL itself (crash recovery, waited for up to
/// <see cref="EmbeddedPostgresOptions.StartTimeout"/>); one whose PID now belongs to an unrelated process is removed. A running
/// postmaster of another data directory, or one running as another user than the gateway runs PostgreSQL as, is never
/// adopted: the start fails with what to do.</para>
/// <para>Split by concern: binaries (<c>.Binaries.cs</c>), the data directory and initdb (<c>.Cluster.cs</c>), the postgres
/// user's permissions (<c>.Permissions.cs</c>), a server already running (<c>.Adoption.cs</c>), starting it
/// (<c>.Server.cs</c>), the role and database (<c>.Bootstrap.cs</c>).</para>
/// </remarks>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    internal const string PortFileName = "gateway.port";
    internal const string ConfFileName = "gateway.conf";
    internal const string AppPasswordFileName = "gateway.password";
    internal const string SuperuserPasswordFileName = "postgres.password";
    internal const string OwnerFileName = "gateway.owner";
    internal const string LogFileName = "postgres.log";
    internal const string AppRole = "gateway";
    internal const string Superuser = "postgres";

    private const string MissingBinariesAdvice =
        "Install them (Debian: apt-get install postgresql) or set ConnectionStrings:Gateway to an external database.";

    private const long LogRotateBytes = 10 * 1024 * 1024;
    private const int UnixSocketPathMax = 107;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);
    private static readonly UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _binDirectory;
    private readonly bool _asPostgres;
    private readonly bool _ownsServer;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private bool _stopped;

    private EmbeddedPostgres(string dataDirectory, int port, string connectionString, string binDirectory, bool asPostgres, bool ownsServer, ILogger logger)
    {
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = connectionString;
        _binDirectory = binDirectory;
        _asPostgres = asPostgres;
        _ownsServer = ownsServer;
        _logger = logger;
    }

    /// <summary>Npgsql connection string to the database (role <c>gateway</c>, password auth) on 127.0.0.1:<see cref="Port"/>.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    /// <summary>Absolute path of the cluster's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Initialises (first time), starts or reuses the cluster, and ensures the role and the database exist.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("EmbeddedPostgresOptions.DataDirectory is required.", nameof(options));
        }

        if (options.StartTimeout < TimeSpan.FromSeconds(10) || options.StartTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{EmbeddedPostgresOptions.StartTimeoutOption} must be between 00:00:10 and 1.00:00:00, not {options.StartTimeout}.", nameof(options));
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"EmbeddedPostgresOptions.Port must be 0 (pick a free port) or 1-65535, not {options.Port}.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Database) || options.Database.Length > 63 || options.Database.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("EmbeddedPostgresOptions.Database must be a database name of 1-63 characters.", nameof(options));
        }

        logger ??= NullLogger.Instance;
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        var dataDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));

        // Two gateway processes starting on one data directory at once must not both run initdb or pg_ctl start.
        using var startLock = await AcquireStartLockAsync(dataDir, ct).ConfigureAwait(false);
        var clusterExists = File.Exists(Path.Combine(dataDir, "PG_VERSION"));
        var binDir = ResolveBinDirectory(options.BinDirectory, clusterExists ? ReadClusterVersion(dataDir) : null);
        var asPostgres = HostProcess.IsRoot();
        if (asPostgres)
        {
            await EnsurePostgresUserAsync(ct).ConfigureAwait(false);
        }

        var initdb = false;
        if (clusterExists)
        {
            await CheckServerVersionAsync(binDir, dataDir, ct).ConfigureAwait(false);
        }
        else
        {
            await InitializeClusterAsync(binDir, dataDir, asPostgres, logger, ct).ConfigureAwait(false);
            initdb = true;
        }

        logger.LogDebug("Embedded PostgreSQL: binaries in {BinDirectory}; data directory prepared after {ElapsedMs} ms", binDir, phase.ElapsedMilliseconds);
        if (asPostgres)
        {
            phase.Restart();
            await EnsurePostgresCanUseAsync(dataDir, logger, ct).ConfigureAwait(false);
            logger.LogDebug("Embedded PostgreSQL: permission checks for the postgres user took {ElapsedMs} ms", phase.ElapsedMilliseconds);
        }

        var superuserPassword = ReadSecret(dataDir, SuperuserPasswordFileName);
        var appPassword = ReadSecret(dataDir, AppPasswordFileName);

        int port;
        bool owns;
        var running = await FindRunningServerAsync(dataDir, asPostgres, options.StartTimeout, logger, ct).ConfigureAwait(false);
        if (running is not null)
        {
            port = running.Port;
            owns = !IsOwnerAlive(dataDir);
            if (options.Port != 0 && options.Port != port)
            {
                logger.LogWarning(
                    "The running embedded PostgreSQL listens on port {Port}, not the configured {ConfiguredPort}; using it until it is restarted",
                    port, options.Port);
            }

            if (owns)
            {
                logger.LogWarning(
                    "Embedded PostgreSQL (PID {Pid}) is already running on {DataDirectory}, left behind by a gateway process that has exited; adopting it (it will be stopped on shutdown)",
                    running.Pid, dataDir);
            }
            else
            {
                logger.LogInformation(
                    "Embedded PostgreSQL (PID {Pid}) is already running on {DataDirectory}, started by another live gateway process; sharing it (it will not be stopped by this process)",
                    running.Pid, dataDir);
            }
        }
        else
        {
            port = await StartServerAsync(binDir, dataDir, options.Port, asPostgres, options.StartTimeout, logger, ct).ConfigureAwait(false);
            owns = true;
        }

        var instance = new EmbeddedPostgres(
            dataDir, port, BuildConnectionString(port, options.Database, AppRole, appPassword, pooling: true), binDir, asPostgres, owns, logger);
        try
        {
            if (owns)
            {
                await WriteOwnerFileAsync(dataDir, asPostgres, ct).ConfigureAwait(false);
            }

            phase.Restart();
            await EnsureRoleAndDatabaseAsync(port, superuserPassword, appPassword, options.Database, ct).ConfigureAwait(false);
            logger.LogDebug("Embedded PostgreSQL: role and database checked in {ElapsedMs} ms", phase.ElapsedMilliseconds);
        }
        catch (Exception e) when (owns && running is null)
        {
            // Do not leave a server behind that nobody will stop.
            try
            {
                await instance.StopAsync().ConfigureAwait(false);
            }
            catch (EmbeddedPostgresException stopError)
            {
                logger.LogError(stopError, "Could not stop the embedded PostgreSQL after a failed start ({Reason})", e.Message);
            }

            throw;
        }

        logger.LogInformation(
            "Embedded PostgreSQL ready on 127.0.0.1:{Port} in {ElapsedMs} ms (initdb: {Initdb})",
            port, total.ElapsedMilliseconds, initdb ? "yes" : "no");
        return instance;
    }

    /// <summary>
    /// A directory with initdb, pg_ctl and postgres: the first PATH entry holding initdb and pg_ctl (symlinks resolved to the real
    /// installation), then <c>pg_config --bindir</c>, then the highest <c>/usr/lib/postgresql/*/bin</c>. Null when there is none.
    /// </summary>
    public static string? FindBinDirectory() => FindBinDirectory(preferredMajor: null);

    /// <summary><c>pg_ctl stop -m fast</c> if this instance started (or adopted) the server; idempotent.</summary>
    public async Task StopAsync()
    {
        await _stopLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            if (!_ownsServer)
            {
                _logger.LogInformation("Embedded PostgreSQL on {DataDirectory} is shared with the process that started it; leaving it running", DataDirectory);
                _stopped = true;
                return;
            }

            // Idle pooled connections would be dead after the stop; a later start on the same port must not hand them out.
            using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            var sw = Stopwatch.StartNew();
            var result = await PgProcess.RunAsync(
                Tool(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], _asPostgres, ToolTimeout, CancellationToken.None)
                .ConfigureAwait(false);
            if (!result.Succeeded && File.Exists(Path.Combine(DataDirectory, PostmasterPidFile.FileName)))
            {
                throw new EmbeddedPostgresException(
                    $"Stopping the embedded PostgreSQL on {DataDirectory} failed (pg_ctl exit code {result.ExitCode}): {result.Output}");
            }

            TryDelete(Path.Combine(DataDirectory, OwnerFileName));
            _stopped = true;
            _logger.LogInformation("Embedded PostgreSQL on 127.0.0.1:{Port} stopped in {ElapsedMs} ms", Port, sw.ElapsedMilliseconds);
        }
        finally
        {
            _stopLock.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
