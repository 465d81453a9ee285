using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting.Postgres;

/// <summary>The data directory: the start lock, initdb into a staging directory, the generated passwords.</summary>
public sealed partial class EmbeddedPostgres
{
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
}
