using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting.Postgres;

/// <summary>Starting the server: the port, gateway.conf, pg_ctl start and its log.</summary>
public sealed partial class EmbeddedPostgres
{
    private static async Task<int> StartServerAsync(string binDir, string dataDir, int configuredPort, bool asPostgres, TimeSpan startTimeout, ILogger logger,
        CancellationToken ct)
    {
        var waitSeconds = ((int)Math.Ceiling(startTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var logPath = Path.Combine(dataDir, LogFileName);
        for (var attempt = 0; ; attempt++)
        {
            var port = ChoosePort(dataDir, configuredPort, attempt, logger);
            var lz4 = await Lz4Async(binDir, dataDir, asPostgres, logger, ct).ConfigureAwait(false);
            await WriteServerConfigAsync(dataDir, port, lz4, asPostgres, ct).ConfigureAwait(false);
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

    /// <summary>
    /// Whether these binaries compress with lz4 (PostgreSQL 15 and later, built with it): asked of the server binary itself
    /// (<c>postgres -C wal_compression -c wal_compression=lz4</c> answers or refuses the value), once per binary directory
    /// and process. With lz4 the embedded server compresses WAL full-page images and TOASTed values with it; without, both
    /// stay at PostgreSQL's defaults (no WAL compression, pglz).
    /// </summary>
    /// <remarks>
    /// After each checkpoint the first change to every page writes the whole 8 kB page into the WAL (full_page_writes, which
    /// stays on); an enrollment's random-key index inserts touch pages all over their indexes, so under sustained load these
    /// images are most of the WAL and of what each commit waits for: compressed, PostgreSQL's CPU per admin enrollment was
    /// ×0.91–0.94 in paired runs that included a checkpoint (load-tests/README.md, loop row 29). An enrollment's snapshot
    /// is just over the 2 kB past which PostgreSQL compresses a row, and pglz was 3 % of PostgreSQL's own samples (row 33).
    /// </remarks>
    private static async Task<bool> Lz4Async(string binDir, string dataDir, bool asPostgres, ILogger logger, CancellationToken ct)
    {
        if (Lz4ByBinDir.TryGetValue(binDir, out var known)) return known;
        var result = await PgProcess.RunAsync(
            Tool(binDir, "postgres"), ["-D", dataDir, "-C", "wal_compression", "-c", "wal_compression=lz4"], asPostgres, ToolTimeout, ct).ConfigureAwait(false);
        var lz4 = result.Succeeded && result.StandardOutput.Trim() == "lz4";
        if (!lz4)
        {
            logger.LogInformation("The embedded PostgreSQL in {BinDirectory} cannot compress with lz4; WAL full-page images stay uncompressed: {Output}",
                binDir, result.Output);
        }
        return Lz4ByBinDir.GetOrAdd(binDir, lz4);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Lz4ByBinDir = new(StringComparer.Ordinal);

    private static async Task WriteServerConfigAsync(string dataDir, int port, bool lz4, bool asPostgres, CancellationToken ct)
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
            # A new WAL segment is created by writing its last byte, not 16 MB of zeros inside the commit that needs it
            # (fsync still persists the blocks each write allocates; load-tests/README.md, loop row 46). Zero-filling gave
            # more throughput in pairs once writes were O_DSYNC, but a p99 of 58-71 ms at 32 workers alone (loop row 59).
            wal_init_zero = off
            # Each WAL write is durable when it returns (O_DSYNC), instead of a write and then an fdatasync per commit: the
            # commit still waits for its WAL on disk. In paired runs, admin enrollments per second +8 to +15 % and CPU per
            # enrollment x0.94 (load-tests/README.md, loop row 54).
            wal_sync_method = open_datasync
            # The background writer cleans buffers ahead of the commits (defaults: 100 pages every 200 ms, 4 MB/s, against
            # about 16 MB/s of new rows under load), so that a commit does not write out a dirty buffer before it can use
            # one. In pairs: admin 6-21 % more throughput, CPU x0.968; EST CPU x0.986 (load-tests/README.md, loop rows 48,
            # 66 and 67; row 49 had dropped it while EST's enrollment ids were random).
            bgwriter_delay = 50ms
            bgwriter_lru_maxpages = 1000
            bgwriter_lru_multiplier = 4
            wal_compression = {(lz4 ? "lz4" : "off")}
            default_toast_compression = {(lz4 ? "lz4" : "pglz")}
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
}
