using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Gateway.Cluster.Tests;

/// <summary>The <see cref="IMembershipTable"/> contract against a real PostgreSQL: atomic row + version writes, etag checks, heartbeats, cleanup.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipTableTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly DateTime Now = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..10];
    private ClusterDatabase _database = null!;
    private PostgresMembershipTable _table = null!;

    public async Task InitializeAsync()
    {
        _database = new ClusterDatabase(fixture.ConnectionString);
        _table = NewTable(_clusterId);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private PostgresMembershipTable NewTable(string cluster) =>
        new(_database, Options.Create(new ClusterOptions { ClusterId = cluster, ServiceId = "gateway" }), NullLogger<PostgresMembershipTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Joining, int generation = 7, DateTime? alive = null) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation),
        SiloName = "silo-" + port,
        HostName = "host-" + port,
        Status = status,
        ProxyPort = port + 1000,
        UpdateZone = 1,
        FaultZone = 2,
        SuspectTimes = [],
        StartTime = Now,
        IAmAliveTime = alive ?? Now,
    };

    [Fact]
    public async Task ReadAll_of_a_new_cluster_returns_version_zero_and_no_rows()
    {
        var data = await _table.ReadAllAsync();
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
        Assert.Empty(data.Members);
    }

    [Fact]
    public async Task InitializeMembershipTable_is_idempotent_across_concurrent_nodes()
    {
        var id = "init-" + Guid.NewGuid().ToString("N")[..10];
        await using var other = new ClusterDatabase(fixture.ConnectionString);
        var tables = Enumerable.Range(0, 4)
            .Select(i => new PostgresMembershipTable(i % 2 == 0 ? _database : other, Options.Create(new ClusterOptions { ClusterId = id }), NullLogger<PostgresMembershipTable>.Instance))
            .ToArray();
        await Task.WhenAll(tables.Select(t => t.InitializeMembershipTableAsync(true)));
        var first = await tables[0].ReadAllAsync();
        Assert.True(await tables[1].InsertRowAsync(Entry(1), first.Version.Next()));
        await tables[2].InitializeMembershipTableAsync(true); // must not reset the version
        Assert.Equal(1, (await tables[3].ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task ReadAll_without_initialisation_refuses_inserts()
    {
        var uninitialised = NewTable("none-" + Guid.NewGuid().ToString("N")[..10]);
        var data = await uninitialised.ReadAllAsync();
        Assert.Equal(0, data.Version.Version);
        Assert.False(await uninitialised.InsertRowAsync(Entry(1), data.Version.Next()));
        Assert.Empty((await uninitialised.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task InsertRow_with_current_version_stores_the_entry_and_advances_the_version()
    {
        var before = await _table.ReadAllAsync();
        var entry = Entry(11111);
        entry.SuspectTimes = [Tuple.Create(SiloAddress.New(IPAddress.Parse("10.1.2.3"), 5000, 3), Now.AddSeconds(-3))];
        Assert.True(await _table.InsertRowAsync(entry, before.Version.Next()));

        var after = await _table.ReadAllAsync();
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (read, etag) = Assert.Single(after.Members);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(entry.HostName, read.HostName);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal(entry.ProxyPort, read.ProxyPort);
        Assert.Equal(1, read.UpdateZone);
        Assert.Equal(2, read.FaultZone);
        Assert.Equal(Now, read.StartTime);
        Assert.Equal(DateTimeKind.Utc, read.IAmAliveTime.Kind);
        Assert.Equal(Now, read.IAmAliveTime);
        var (suspect, time) = Assert.Single(read.SuspectTimes!);
        Assert.Equal(entry.SuspectTimes[0].Item1, suspect);
        Assert.Equal(Now.AddSeconds(-3), time);
    }

    [Fact]
    public async Task InsertRow_with_stale_etag_fails_and_changes_nothing()
    {
        var stale = (await _table.ReadAllAsync()).Version;
        Assert.True(await _table.InsertRowAsync(Entry(1), stale.Next()));
        var current = await _table.ReadAllAsync();

        Assert.False(await _table.InsertRowAsync(Entry(2), stale.Next()));

        var after = await _table.ReadAllAsync();
        Assert.Equal(current.Version.Version, after.Version.Version);
        Assert.Equal(current.Version.VersionEtag, after.Version.VersionEtag);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task InsertRow_for_a_silo_already_present_fails_and_leaves_the_version_alone()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var current = await _table.ReadAllAsync();

        Assert.False(await _table.InsertRowAsync(Entry(1, SiloStatus.Active), current.Version.Next()));

        var after = await _table.ReadAllAsync();
        Assert.Equal(current.Version.VersionEtag, after.Version.VersionEtag);
        Assert.Equal(current.Version.Version, after.Version.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task Another_generation_of_the_same_endpoint_is_another_row()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1, generation: 1), (await _table.ReadAllAsync()).Version.Next()));
        Assert.True(await _table.InsertRowAsync(Entry(1, generation: 2), (await _table.ReadAllAsync()).Version.Next()));
        Assert.Equal(2, (await _table.ReadAllAsync()).Members.Count);
    }

    [Fact]
    public async Task Concurrent_inserts_with_the_same_version_admit_exactly_one()
    {
        var version = (await _table.ReadAllAsync()).Version;
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _table.InsertRowAsync(Entry(100 + i), version.Next())));
        Assert.Equal(1, results.Count(r => r));
        var after = await _table.ReadAllAsync();
        Assert.Single(after.Members);
        Assert.Equal(version.Version + 1, after.Version.Version);
    }

    [Fact]
    public async Task ReadRow_returns_that_silo_alone_with_the_table_version()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        Assert.True(await _table.InsertRowAsync(Entry(2), (await _table.ReadAllAsync()).Version.Next()));

        var row = await _table.ReadRowAsync(Entry(2).SiloAddress);
        Assert.Equal(2, row.Version.Version);
        Assert.Equal(Entry(2).SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);

        var missing = await _table.ReadRowAsync(Entry(3).SiloAddress);
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_with_current_etags_changes_the_row_its_etag_and_the_version()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var read = await _table.ReadRowAsync(Entry(1).SiloAddress);
        var (entry, etag) = read.Members[0];
        entry.Status = SiloStatus.Active;
        entry.IAmAliveTime = Now.AddMinutes(1);

        Assert.True(await _table.UpdateRowAsync(entry, etag, read.Version.Next()));

        var after = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        var (updated, newEtag) = Assert.Single(after.Members);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(Now.AddMinutes(1), updated.IAmAliveTime);
        Assert.NotEqual(etag, newEtag);
    }

    [Fact]
    public async Task UpdateRow_with_stale_table_etag_fails_and_changes_nothing()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var read = await _table.ReadAllAsync();
        Assert.True(await _table.InsertRowAsync(Entry(2), read.Version.Next())); // someone else wrote meanwhile
        var (entry, etag) = read.Members[0];
        entry.Status = SiloStatus.Dead;

        Assert.False(await _table.UpdateRowAsync(entry, etag, read.Version.Next()));

        var after = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Joining, after.Members[0].Item1.Status);
        Assert.Equal(etag, after.Members[0].Item2);
        Assert.Equal(2, after.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_with_stale_row_etag_fails_and_leaves_the_version_alone()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var first = await _table.ReadAllAsync();
        var (entry, staleEtag) = first.Members[0];
        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRowAsync(entry, staleEtag, first.Version.Next()));
        var current = await _table.ReadAllAsync();

        entry.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRowAsync(entry, staleEtag, current.Version.Next()));

        var after = await _table.ReadAllAsync();
        Assert.Equal(current.Version.VersionEtag, after.Version.VersionEtag);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_of_a_missing_silo_fails()
    {
        var read = await _table.ReadAllAsync();
        Assert.False(await _table.UpdateRowAsync(Entry(9), "0", read.Version.Next()));
        Assert.Equal(read.Version.VersionEtag, (await _table.ReadAllAsync()).Version.VersionEtag);
    }

    [Fact]
    public async Task Malformed_etags_fail_instead_of_throwing()
    {
        var read = await _table.ReadAllAsync();
        Assert.False(await _table.InsertRowAsync(Entry(1), new TableVersion(1, "not-a-number")));
        Assert.True(await _table.InsertRowAsync(Entry(1), read.Version.Next()));
        var current = await _table.ReadAllAsync();
        Assert.False(await _table.UpdateRowAsync(current.Members[0].Item1, "-1x", current.Version.Next()));
    }

    [Fact]
    public async Task Concurrent_updates_from_one_read_admit_exactly_one()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var read = await _table.ReadAllAsync();
        var (entry, etag) = read.Members[0];
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var copy = Entry(1);
            copy.Status = SiloStatus.Active;
            copy.SiloName = "writer-" + i;
            return _table.UpdateRowAsync(copy, etag, read.Version.Next());
        }));
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(read.Version.Version + 1, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_writes_the_heartbeat_only_and_keeps_earlier_reads_usable()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var read = await _table.ReadAllAsync();
        var (entry, etag) = read.Members[0];

        var heartbeat = Entry(1, SiloStatus.Dead); // only IAmAliveTime may be taken from it
        heartbeat.IAmAliveTime = Now.AddSeconds(30);
        await _table.UpdateIAmAliveAsync(heartbeat);

        var afterBeat = await _table.ReadAllAsync();
        Assert.Equal(read.Version.VersionEtag, afterBeat.Version.VersionEtag);
        Assert.Equal(read.Version.Version, afterBeat.Version.Version);
        var (beaten, beatenEtag) = afterBeat.Members[0];
        Assert.Equal(Now.AddSeconds(30), beaten.IAmAliveTime);
        Assert.Equal(SiloStatus.Joining, beaten.Status);
        Assert.Equal(etag, beatenEtag);

        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRowAsync(entry, etag, read.Version.Next()));
    }

    [Fact]
    public async Task UpdateIAmAlive_of_a_missing_silo_changes_nothing()
    {
        await _table.UpdateIAmAliveAsync(Entry(42));
        Assert.Empty((await _table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_removes_only_dead_entries_last_seen_before_the_cutoff()
    {
        var oldDead = Entry(1, SiloStatus.Dead, alive: Now.AddHours(-3));
        oldDead.StartTime = Now.AddHours(-4);
        var recentlySuspected = Entry(2, SiloStatus.Dead, alive: Now.AddHours(-3));
        recentlySuspected.StartTime = Now.AddHours(-4);
        recentlySuspected.SuspectTimes = [Tuple.Create(Entry(9).SiloAddress, Now.AddMinutes(-1))];
        var recentDead = Entry(3, SiloStatus.Dead, alive: Now.AddMinutes(-5));
        var oldActive = Entry(4, SiloStatus.Active, alive: Now.AddHours(-3));
        oldActive.StartTime = Now.AddHours(-4);
        foreach (var e in new[] { oldDead, recentlySuspected, recentDead, oldActive })
        {
            Assert.True(await _table.InsertRowAsync(e, (await _table.ReadAllAsync()).Version.Next()));
        }

        var otherCluster = NewTable(_clusterId + "-other");
        await otherCluster.InitializeMembershipTableAsync(true);
        Assert.True(await otherCluster.InsertRowAsync(Entry(1, SiloStatus.Dead, alive: Now.AddHours(-3)), (await otherCluster.ReadAllAsync()).Version.Next()));

        await _table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Now.AddHours(-1)));

        var left = (await _table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToArray();
        Assert.Equal([2, 3, 4], left);
        Assert.Single((await otherCluster.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_removes_that_cluster_only()
    {
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
        var other = NewTable(_clusterId + "-keep");
        await other.InitializeMembershipTableAsync(true);
        Assert.True(await other.InsertRowAsync(Entry(1), (await other.ReadAllAsync()).Version.Next()));

        await _table.DeleteMembershipTableEntriesAsync(_clusterId);

        var gone = await _table.ReadAllAsync();
        Assert.Empty(gone.Members);
        Assert.Equal(0, gone.Version.Version);
        Assert.Single((await other.ReadAllAsync()).Members);

        await _table.InitializeMembershipTableAsync(true);
        Assert.True(await _table.InsertRowAsync(Entry(1), (await _table.ReadAllAsync()).Version.Next()));
    }

    [Fact]
    public async Task Schema_lives_in_its_own_schema_keyed_by_cluster_address_port_generation()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum)) FROM pg_index i " +
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) " +
            "WHERE i.indrelid = 'gateway_cluster.membership'::regclass AND i.indisprimary", connection);
        Assert.Equal("cluster_id,address,port,generation", await command.ExecuteScalarAsync());
    }
}
