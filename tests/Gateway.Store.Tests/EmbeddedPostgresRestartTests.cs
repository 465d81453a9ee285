using System.Diagnostics;
using Gateway.Hosting.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Gateway.Store.Tests;

/// <summary>Stop/start cycles on their own data directories (not the shared server).</summary>
public sealed class EmbeddedPostgresRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gateway-store-tests-restart-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDirectory => Path.Combine(_root, "pg");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A cluster initialised and stopped, then a process named <c>postgres</c> running in its data directory as this test's user, named by a ready postmaster.pid.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task<Process> ImpostorAsync(string pidFileDataDirectory)
    {
        var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory });
        await server.StopAsync();
        await server.DisposeAsync();
        var bin = Path.Combine(_root, "impostor");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/sleep", Path.Combine(bin, "postgres"));
        var impostor = Process.Start(new ProcessStartInfo(Path.Combine(bin, "postgres"), "120") { WorkingDirectory = DataDirectory })!;
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "postmaster.pid"),
            $"{impostor.Id}\n{pidFileDataDirectory}\n1700000000\n{FreePort()}\n/tmp\n127.0.0.1\n  1234  5678\nready   \n");
        return impostor;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StartAsync_never_adopts_a_server_of_another_user()
    {
        Assert.True(Environment.UserName == "root", "the embedded PostgreSQL runs as the postgres user only when the tests run as root (as CI does)");
        using var impostor = await ImpostorAsync(DataDirectory); // runs as root, not as postgres
        try
        {
            var refused = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }));

            Assert.Contains("does not adopt a server that belongs to another user", refused.Message);
            Assert.Contains($"PID {impostor.Id}", refused.Message);
            Assert.False(impostor.HasExited); // and it is left alone
        }
        finally
        {
            impostor.Kill();
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StartAsync_never_adopts_a_server_of_another_directory()
    {
        using var impostor = await ImpostorAsync("/var/lib/postgresql/15/main");
        try
        {
            var refused = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }));

            Assert.Contains("another data directory (/var/lib/postgresql/15/main)", refused.Message);
            Assert.Contains("Gateway:DataDir", refused.Message);
        }
        finally
        {
            impostor.Kill();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200_000)]
    public async Task StartAsync_start_timeout_out_of_range_throws_naming_the_option(int seconds)
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = DataDirectory, StartTimeout = TimeSpan.FromSeconds(seconds) }));

        Assert.Contains(EmbeddedPostgresOptions.StartTimeoutOption, refused.Message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StopAsync_then_StartAsync_same_directory_keeps_data_and_port_without_initdb()
    {
        // A parent only its owner may enter (like /root): as root the launcher must open it (o+x) for the postgres user.
        Directory.CreateDirectory(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var firstLog = new EmbeddedPostgresTestLogger();
        var sw = Stopwatch.StartNew();
        var first = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, firstLog);
        output.WriteLine($"first start: {sw.ElapsedMilliseconds} ms; {firstLog.Ready()}");
        Assert.Contains("(initdb: yes)", firstLog.Ready());
        if (Environment.UserName == "root")
        {
            Assert.Contains(firstLog.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("(o+x) on " + _root, StringComparison.Ordinal));
            Assert.True(File.GetUnixFileMode(_root).HasFlag(UnixFileMode.OtherExecute));
        }

        await ExecuteAsync(first.ConnectionString, "create table t (id int primary key, name text not null); insert into t values (1, 'persisted')");

        sw.Restart();
        await first.StopAsync();
        output.WriteLine($"stop: {sw.ElapsedMilliseconds} ms");
        await first.StopAsync(); // idempotent
        await first.DisposeAsync();
        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));

        var secondLog = new EmbeddedPostgresTestLogger();
        sw.Restart();
        await using var second = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, secondLog);
        output.WriteLine($"second start: {sw.ElapsedMilliseconds} ms; {secondLog.Ready()}");

        Assert.Contains("(initdb: no)", secondLog.Ready());
        Assert.Equal(first.Port, second.Port);
        Assert.Equal("persisted", await ScalarAsync(second.ConnectionString, "select name from t where id = 1"));
    }

    [Fact]
    public async Task StartAsync_concurrent_then_after_gateway_crash_adopts_and_after_server_crash_recovers()
    {
        // Two starts racing on a fresh directory: one initdb, one server, the other start shares it.
        EmbeddedPostgresTestLogger[] logs = [new(), new()];
        var starts = await Task.WhenAll(logs.Select(l => Task.Run(() => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, l))));
        Assert.Single(logs, l => l.Ready()!.Contains("(initdb: yes)", StringComparison.Ordinal));
        Assert.Equal(starts[0].Port, starts[1].Port);
        var first = logs[0].Ready()!.Contains("(initdb: yes)", StringComparison.Ordinal) ? starts[0] : starts[1];
        var sharer = first == starts[0] ? starts[1] : starts[0];
        await ExecuteAsync(first.ConnectionString, "create table t (id int primary key); insert into t values (42)");

        // The gateway that started the server was killed: the owner file names a process that no longer exists.
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "gateway.owner"), "2147483646 1\n");
        var adoptLog = new EmbeddedPostgresTestLogger();
        var adopter = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, adoptLog);
        Assert.Contains(adoptLog.Lines, l => l.Contains("adopting it", StringComparison.Ordinal));
        Assert.Equal(first.Port, adopter.Port);
        Assert.Equal(42, await ScalarAsync(adopter.ConnectionString, "select id from t"));

        // Now the server itself dies hard: no shutdown checkpoint, postmaster.pid left behind.
        var pid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        NpgsqlConnection.ClearAllPools();
        using (var postmaster = Process.GetProcessById(pid))
        {
            postmaster.Kill();
        }

        Assert.True(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));

        var log = new EmbeddedPostgresTestLogger();
        var sw = Stopwatch.StartNew();
        var recovered = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, log);
        output.WriteLine($"start after kill: {sw.ElapsedMilliseconds} ms");
        foreach (var line in log.Lines)
        {
            output.WriteLine(line);
        }

        Assert.Contains("(initdb: no)", log.Ready());
        Assert.Equal(42, await ScalarAsync(recovered.ConnectionString, "select id from t"));

        await recovered.StopAsync();
        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));
        await adopter.StopAsync(); // its server is gone: no error
        await first.StopAsync();
        await sharer.StopAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
