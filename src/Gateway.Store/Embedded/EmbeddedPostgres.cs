using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Store.Embedded;

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
/// unix_socket_directories = the data directory, max_connections 200, shared_buffers 128MB, fsync on, synchronous_commit on.</para>
/// <para>When the process runs as root the tools run as the <c>postgres</c> system user (via runuser, else su); the data directory is
/// chowned to it, and ancestors it cannot traverse get o+x (logged as a warning).</para>
/// <para>A server already running on the data directory is reused, never started twice. If the gateway process that started it is
/// still alive (recorded in <c>gateway.owner</c>) the server is shared: this instance's <see cref="StopAsync"/> leaves it running.
/// If that process is gone (it crashed or was killed) the orphaned server is adopted and stopped by this instance.
/// A <c>postmaster.pid</c> left by a dead server is handled by PostgreSQL itself (crash recovery); one whose PID now belongs to an
/// unrelated process is removed.</para>
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
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

    // ---------------------------------------------------------------- binaries

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

    // ---------------------------------------------------------------- first start

    /// <summary>An exclusive lock (flock on Unix) on <c>.&lt;leaf&gt;.start-lock</c> next to the data directory, held for the whole start.</summary>
    private static async Task<FileStream> AcquireStartLockAsync(string dataDir, CancellationToken ct)
    {
        var parent = Path.GetDirectoryName(dataDir)
            ?? throw new EmbeddedPostgresException($"The embedded PostgreSQL data directory must not be a file-system root: {dataDir}");
        Directory.CreateDirectory(parent);
        var path = Path.Combine(parent, "." + Path.GetFileName(dataDir) + ".start-lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < ToolTimeout)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new EmbeddedPostgresException(
                    $"Another process has been starting the embedded PostgreSQL on {dataDir} for over {ToolTimeout.TotalSeconds:0} s (it holds {path}).", e);
            }
        }
    }

    private static async Task InitializeClusterAsync(string binDir, string dataDir, bool asPostgres, ILogger logger, CancellationToken ct)
    {
        if (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any())
        {
            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL data directory {dataDir} exists and is not empty, but holds no PostgreSQL cluster (no PG_VERSION). " +
                "Empty it, choose another Gateway:DataDir, or set ConnectionStrings:Gateway to an external database.");
        }

        var parent = Path.GetDirectoryName(dataDir)
            ?? throw new EmbeddedPostgresException($"The embedded PostgreSQL data directory must not be a file-system root: {dataDir}");
        Directory.CreateDirectory(parent);
        if (asPostgres)
        {
            await EnsureTraversableAsync(parent, logger, ct).ConfigureAwait(false);
        }

        // initdb into a staging directory and move it into place, so a crash mid-way never leaves a half-made cluster at dataDir.
        // If dataDir already exists (empty, maybe a mount point) initialise in place instead.
        var inPlace = Directory.Exists(dataDir);
        var leaf = Path.GetFileName(dataDir);
        var target = inPlace ? dataDir : Path.Combine(parent, "." + leaf + ".initdb");
        if (!inPlace && Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true); // left by an interrupted first start
        }

        Directory.CreateDirectory(target);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, OwnerOnlyDirectory);
        }

        var superuserPassword = NewPassword();
        var appPassword = NewPassword();
        var pwFile = Path.Combine(parent, "." + leaf + ".initdb-pw");
        var sw = Stopwatch.StartNew();
        PgProcessResult result;
        try
        {
            WriteSecretFile(pwFile, superuserPassword);
            if (asPostgres)
            {
                await ChownToPostgresAsync([target, pwFile], recursive: false, ct).ConfigureAwait(false);
            }

            result = await PgProcess.RunAsync(
                Tool(binDir, "initdb"),
                ["-D", target, "-U", Superuser, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pwFile],
                asPostgres, ToolTimeout, ct).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(pwFile);
        }

        if (!result.Succeeded)
        {
            TryDeleteDirectoryContents(target, deleteDirectory: !inPlace);
            throw new EmbeddedPostgresException($"initdb failed for the embedded PostgreSQL at {dataDir} (exit code {result.ExitCode}): {result.Output}");
        }

        logger.LogInformation("initdb created the embedded PostgreSQL cluster at {DataDirectory} in {ElapsedMs} ms", dataDir, sw.ElapsedMilliseconds);

        await File.WriteAllTextAsync(Path.Combine(target, "pg_hba.conf"), """
            # Managed by the gateway's embedded PostgreSQL launcher.
            # The Unix socket lives in this 0700 directory, so only the cluster's owner (and root) can reach it.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 trust
            host    all       all   127.0.0.1/32  scram-sha-256

            """, ct).ConfigureAwait(false);
        await File.AppendAllTextAsync(Path.Combine(target, "postgresql.conf"), $"""

            # Gateway embedded PostgreSQL: settings rewritten at every start (see {ConfFileName}).
            include_if_exists = '{ConfFileName}'

            """, ct).ConfigureAwait(false);
        WriteSecretFile(Path.Combine(target, SuperuserPasswordFileName), superuserPassword);
        WriteSecretFile(Path.Combine(target, AppPasswordFileName), appPassword);
        if (asPostgres)
        {
            await ChownToPostgresAsync(
                [Path.Combine(target, SuperuserPasswordFileName), Path.Combine(target, AppPasswordFileName)], recursive: false, ct).ConfigureAwait(false);
        }

        if (!inPlace)
        {
            Directory.Move(target, dataDir);
        }
    }

    private static string NewPassword() => RandomNumberGenerator.GetHexString(40, lowercase: true);

    private static void WriteSecretFile(string path, string secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            writer.Write(secret);
            writer.Write('\n');
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnlyFile); // UnixCreateMode does not apply to an existing file
        }
    }

    private static string ReadSecret(string dataDir, string fileName)
    {
        var path = Path.Combine(dataDir, fileName);
        try
        {
            var secret = File.ReadAllText(path).Trim();
            if (secret.Length > 0)
            {
                return secret;
            }
        }
        catch (FileNotFoundException)
        {
        }
        catch (UnauthorizedAccessException e)
        {
            throw new EmbeddedPostgresException($"Cannot read {path}: {e.Message}. Run the gateway as the user that created {dataDir} (or root).", e);
        }

        throw new EmbeddedPostgresException(
            $"The PostgreSQL cluster at {dataDir} has no {fileName}: it was not created by the gateway, or its first start was interrupted. " +
            "Move the directory away to let the gateway create a fresh cluster, or set ConnectionStrings:Gateway to use it as an external database.");
    }

    // ---------------------------------------------------------------- running as the postgres system user

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

    // ---------------------------------------------------------------- a server already running on the data directory

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

    // ---------------------------------------------------------------- starting

    private static async Task<int> StartServerAsync(string binDir, string dataDir, int configuredPort, bool asPostgres, TimeSpan startTimeout, ILogger logger,
        CancellationToken ct)
    {
        var waitSeconds = ((int)Math.Ceiling(startTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var logPath = Path.Combine(dataDir, LogFileName);
        for (var attempt = 0; ; attempt++)
        {
            var port = ChoosePort(dataDir, configuredPort, attempt, logger);
            await WriteServerConfigAsync(dataDir, port, asPostgres, ct).ConfigureAwait(false);
            RotateLog(logPath);
            var logOffset = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;

            var sw = Stopwatch.StartNew();
            var result = await PgProcess.RunAsync(
                Tool(binDir, "pg_ctl"), ["-D", dataDir, "-l", logPath, "-w", "-t", waitSeconds, "start"], asPostgres, startTimeout + ToolTimeout, ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                logger.LogDebug("pg_ctl start took {ElapsedMs} ms", sw.ElapsedMilliseconds);
                await WritePortFileAsync(dataDir, port, asPostgres, ct).ConfigureAwait(false);
                return port;
            }

            var log = ReadLogFrom(logPath, logOffset);
            var portTaken = log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                || log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
            if (portTaken && configuredPort == 0 && attempt < 2)
            {
                logger.LogWarning("Port {Port} was taken while the embedded PostgreSQL started; trying another", port);
                continue;
            }

            throw new EmbeddedPostgresException(
                $"Starting the embedded PostgreSQL on {dataDir} (127.0.0.1:{port}) failed (pg_ctl exit code {result.ExitCode}): {result.Output}" +
                (log.Length > 0 ? $"{Environment.NewLine}{LogFileName}:{Environment.NewLine}{log}" : ""));
        }
    }

    private static int ChoosePort(string dataDir, int configuredPort, int attempt, ILogger logger)
    {
        if (configuredPort != 0)
        {
            if (!IsPortFree(configuredPort))
            {
                throw new EmbeddedPostgresException(
                    $"Port {configuredPort} on 127.0.0.1, configured for the embedded PostgreSQL, is already in use. Free it or configure another port (0 picks a free one).");
            }

            return configuredPort;
        }

        if (attempt == 0)
        {
            var path = Path.Combine(dataDir, PortFileName);
            if (File.Exists(path)
                && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var remembered)
                && remembered is > 0 and <= 65535)
            {
                if (IsPortFree(remembered))
                {
                    return remembered;
                }

                logger.LogWarning("The embedded PostgreSQL's previous port {Port} is in use now; picking another", remembered);
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WriteServerConfigAsync(string dataDir, int port, bool asPostgres, CancellationToken ct)
    {
        // Unix socket paths are limited to 107 bytes; beyond that listen on TCP only.
        var socketPath = Path.Combine(dataDir, ".s.PGSQL." + port.ToString(CultureInfo.InvariantCulture));
        var socketDirs = Encoding.UTF8.GetByteCount(socketPath) <= UnixSocketPathMax ? dataDir : "";
        var path = Path.Combine(dataDir, ConfFileName);
        await File.WriteAllTextAsync(path, $"""
            # Written by the gateway's embedded PostgreSQL launcher at every start; edits here are overwritten.
            # To change a setting permanently use ALTER SYSTEM (postgresql.auto.conf wins over this file).
            listen_addresses = '127.0.0.1'
            port = {port.ToString(CultureInfo.InvariantCulture)}
            unix_socket_directories = '{socketDirs.Replace("'", "''", StringComparison.Ordinal)}'
            unix_socket_permissions = 0700
            max_connections = 200
            shared_buffers = '128MB'
            fsync = on
            synchronous_commit = on
            full_page_writes = on
            password_encryption = 'scram-sha-256'

            """, ct).ConfigureAwait(false);
        if (asPostgres)
        {
            await ChownToPostgresAsync([path], recursive: false, ct).ConfigureAwait(false);
        }
    }

    private static async Task WritePortFileAsync(string dataDir, int port, bool asPostgres, CancellationToken ct)
    {
        var path = Path.Combine(dataDir, PortFileName);
        await File.WriteAllTextAsync(path, port.ToString(CultureInfo.InvariantCulture) + "\n", ct).ConfigureAwait(false);
        if (asPostgres)
        {
            await ChownToPostgresAsync([path], recursive: false, ct).ConfigureAwait(false);
        }
    }

    private static void RotateLog(string logPath)
    {
        try
        {
            if (File.Exists(logPath) && new FileInfo(logPath).Length > LogRotateBytes)
            {
                File.Move(logPath, logPath + ".1", overwrite: true); // keeps the owner: pg_ctl recreates the log as postgres
            }
        }
        catch (IOException)
        {
            // an oversized log is not worth failing the start for
        }
    }

    private static string ReadLogFrom(string logPath, long offset)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(offset, stream.Length - 8192), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    // ---------------------------------------------------------------- role and database

    private static async Task EnsureRoleAndDatabaseAsync(int port, string superuserPassword, string appPassword, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(BuildConnectionString(port, "postgres", Superuser, superuserPassword, pooling: false));
        await connection.OpenAsync(ct).ConfigureAwait(false);

        var role = QuoteIdentifier(AppRole);
        var roleExists = await ScalarExistsAsync(connection, "SELECT 1 FROM pg_roles WHERE rolname = $1", AppRole, ct).ConfigureAwait(false);
        var roleSql = roleExists
            ? $"ALTER ROLE {role} LOGIN PASSWORD {QuoteLiteral(appPassword)}"
            : $"CREATE ROLE {role} LOGIN PASSWORD {QuoteLiteral(appPassword)}";
        await ExecuteIgnoringDuplicatesAsync(connection, roleSql, ct).ConfigureAwait(false);

        if (!await ScalarExistsAsync(connection, "SELECT 1 FROM pg_database WHERE datname = $1", database, ct).ConfigureAwait(false))
        {
            await ExecuteIgnoringDuplicatesAsync(
                connection, $"CREATE DATABASE {QuoteIdentifier(database)} OWNER {role} ENCODING 'UTF8'", ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ScalarExistsAsync(NpgsqlConnection connection, string sql, string parameter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    private static async Task ExecuteIgnoringDuplicatesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // another gateway process sharing the cluster created it a moment ago
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string BuildConnectionString(int port, string database, string user, string password, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = user,
            Password = password,
            Pooling = pooling,
        }.ConnectionString;

    // ---------------------------------------------------------------- helpers

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteDirectoryContents(string dir, bool deleteDirectory)
    {
        try
        {
            if (deleteDirectory)
            {
                Directory.Delete(dir, recursive: true);
                return;
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
