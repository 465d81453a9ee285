using Gateway.Hosting.Postgres;
using Npgsql;

namespace Gateway.Store.Tests;

[Collection(EmbeddedPostgresCollection.Name)]
public sealed class EmbeddedPostgresTests(EmbeddedPostgresFixture fixture)
{
    [Fact]
    public async Task StartAsync_fresh_directory_runs_initdb_and_answers_queries()
    {
        Assert.Contains("(initdb: yes)", fixture.Logger.Ready());
        Assert.Contains($"127.0.0.1:{fixture.Server.Port} in ", fixture.Logger.Ready());

        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ConnectionString_points_to_gateway_database_on_loopback_as_gateway_role()
    {
        var csb = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString);
        Assert.Equal("127.0.0.1", csb.Host);
        Assert.Equal(fixture.Server.Port, csb.Port);
        Assert.Equal("gateway", csb.Database);
        Assert.Equal("gateway", csb.Username);
        Assert.False(string.IsNullOrEmpty(csb.Password));

        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select current_database(), current_user, (select rolsuper from pg_roles where rolname = current_user), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('listen_addresses'), current_setting('max_connections'), pg_encoding_to_char(encoding) from pg_database where datname = current_database()",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("gateway", reader.GetString(0));
        Assert.Equal("gateway", reader.GetString(1));
        Assert.False(reader.GetBoolean(2));
        Assert.Equal("on", reader.GetString(3));
        Assert.Equal("on", reader.GetString(4));
        Assert.Equal("127.0.0.1", reader.GetString(5));
        Assert.Equal("200", reader.GetString(6));
        Assert.Equal("UTF8", reader.GetString(7));
    }

    [Fact]
    public async Task Server_compresses_full_page_images_and_large_values_with_lz4_keeps_full_page_images_does_not_zero_fill_wal_and_syncs_wal_writes()
    {
        // Debian's PostgreSQL 15 (the one CI installs) is built with lz4; the launcher asks the binary, not the version.
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select current_setting('wal_compression'), current_setting('full_page_writes'), current_setting('default_toast_compression'), current_setting('wal_init_zero'), current_setting('fsync'), current_setting('wal_sync_method'), current_setting('synchronous_commit'), current_setting('bgwriter_lru_maxpages'), current_setting('bgwriter_delay')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("lz4", reader.GetString(0));
        Assert.Equal("on", reader.GetString(1));
        Assert.Equal("lz4", reader.GetString(2));
        // New WAL segments are not zero-filled inside a commit; fsync stays on, so the blocks each write allocates are synced with it.
        Assert.Equal("off", reader.GetString(3));
        Assert.Equal("on", reader.GetString(4));
        // Each WAL write returns once it is durable (O_DSYNC) instead of a write followed by fdatasync; commits still wait for it.
        Assert.Equal("open_datasync", reader.GetString(5));
        Assert.Equal("on", reader.GetString(6));
        // The background writer keeps up with an enrollment load's new rows.
        Assert.Equal(("1000", "50ms"), (reader.GetString(7), reader.GetString(8)));
        Assert.Contains("wal_compression = lz4", File.ReadAllText(Path.Combine(fixture.Server.DataDirectory, "gateway.conf")));
    }

    [Fact]
    public async Task ConnectionString_with_wrong_password_is_refused()
    {
        var csb = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Password = "wrong", Pooling = false };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        var e = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, e.SqlState);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void DataDirectory_keeps_port_and_secrets_owner_only()
    {
        var dir = fixture.Server.DataDirectory;
        Assert.Equal(Path.GetFullPath(fixture.DataDirectory), dir);
        Assert.Equal(fixture.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(dir, "gateway.port")).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "gateway.password")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "postgres.password")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.Contains($"unix_socket_directories = '{dir}'", File.ReadAllText(Path.Combine(dir, "gateway.conf")));
    }

    [Fact]
    public async Task StartAsync_while_running_reuses_the_server_and_leaves_it_running_on_stop()
    {
        var logger = new EmbeddedPostgresTestLogger();
        var second = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = fixture.DataDirectory }, logger);

        Assert.Equal(fixture.Server.Port, second.Port);
        Assert.Equal(fixture.Server.ConnectionString, second.ConnectionString);
        Assert.Contains("(initdb: no)", logger.Ready());
        Assert.Contains(logger.Lines, l => l.Contains("sharing it", StringComparison.Ordinal));

        await second.StopAsync();
        await second.DisposeAsync();

        Assert.True(File.Exists(Path.Combine(fixture.DataDirectory, "postmaster.pid")));
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task StartAsync_other_database_name_creates_it()
    {
        await using var other = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = fixture.DataDirectory, Database = "gateway_other" });
        await using var connection = new NpgsqlConnection(other.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select current_database()", connection);
        Assert.Equal("gateway_other", await command.ExecuteScalarAsync());
    }

    [Fact]
    public void FindBinDirectory_on_this_machine_finds_the_server_installation()
    {
        var bin = EmbeddedPostgres.FindBinDirectory();

        Assert.NotNull(bin);
        Assert.True(File.Exists(Path.Combine(bin, "initdb")));
        Assert.True(File.Exists(Path.Combine(bin, "pg_ctl")));
        Assert.True(File.Exists(Path.Combine(bin, "postgres")));
        if (Directory.Exists("/usr/lib/postgresql/15/bin") && Directory.GetDirectories("/usr/lib/postgresql").Length == 1)
        {
            Assert.Equal("/usr/lib/postgresql/15/bin", bin);
        }
    }

    [Fact]
    public async Task StartAsync_bin_directory_without_binaries_throws_with_advice()
    {
        var root = Path.Combine(Path.GetTempPath(), "gateway-store-tests-nobin-" + Guid.NewGuid().ToString("N")[..12]);
        var empty = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        try
        {
            var e = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = Path.Combine(root, "pg"), BinDirectory = empty }));

            Assert.Contains("No PostgreSQL server binaries found", e.Message);
            Assert.Contains(empty, e.Message);
            Assert.Contains("apt-get install postgresql", e.Message);
            Assert.Contains("ConnectionStrings:Gateway", e.Message);
            Assert.False(Directory.Exists(Path.Combine(root, "pg")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_non_empty_directory_that_is_no_cluster_throws_without_touching_it()
    {
        var root = Path.Combine(Path.GetTempPath(), "gateway-store-tests-notpg-" + Guid.NewGuid().ToString("N")[..12]);
        var dataDir = Directory.CreateDirectory(Path.Combine(root, "pg")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dataDir, "precious.txt"), "keep me");
        try
        {
            var e = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = dataDir }));

            Assert.Contains("not empty", e.Message);
            Assert.Equal(["precious.txt"], Directory.GetFiles(dataDir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_without_data_directory_throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions()));
    }
}
