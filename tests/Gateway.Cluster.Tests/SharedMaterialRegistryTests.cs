namespace Gateway.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SharedMaterialRegistryTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _clusterId = "shared-" + Guid.NewGuid().ToString("N")[..10];
    private ClusterDatabase _database = null!;
    private SharedMaterialRegistry _registry = null!;

    public Task InitializeAsync()
    {
        _database = new ClusterDatabase(fixture.ConnectionString);
        _registry = new SharedMaterialRegistry(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static SharedMaterial Ca(string fingerprint, DateTimeOffset? until = null) =>
        new("ca.root", fingerprint, "CN=Root " + fingerprint, until ?? Now.AddYears(10));

    [Fact]
    public async Task First_node_registers_and_a_node_with_the_same_material_matches()
    {
        var first = await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-a", Now);
        Assert.Equal(SharedMaterialOutcome.Registered, first.Outcome);
        Assert.Null(first.Registered);

        var second = await _registry.RegisterOrCompareAsync(_clusterId, Ca("AA"), "node-b", Now.AddMinutes(1));
        Assert.Equal(SharedMaterialOutcome.Matched, second.Outcome);
        Assert.Equal("node-a", second.RegisteredBy);
        Assert.Equal(Now, second.RegisteredAt);
    }

    [Fact]
    public async Task A_node_with_different_valid_material_is_a_conflict_and_does_not_overwrite()
    {
        await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-a", Now);

        var conflict = await _registry.RegisterOrCompareAsync(_clusterId, Ca("bb"), "node-b", Now);
        Assert.Equal(SharedMaterialOutcome.Conflict, conflict.Outcome);
        Assert.Equal("aa", conflict.Registered!.Fingerprint);
        Assert.Equal("CN=Root aa", conflict.Registered.Description);
        Assert.Equal("node-a", conflict.RegisteredBy);

        Assert.Equal(SharedMaterialOutcome.Matched, (await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-c", Now)).Outcome);
    }

    [Fact]
    public async Task Expired_registration_is_replaced_by_valid_material()
    {
        await _registry.RegisterOrCompareAsync(_clusterId, Ca("old", Now.AddDays(1)), "node-a", Now);

        var expiredReplacement = await _registry.RegisterOrCompareAsync(_clusterId, Ca("stale", Now.AddDays(1)), "node-b", Now.AddDays(2));
        Assert.Equal(SharedMaterialOutcome.Conflict, expiredReplacement.Outcome); // itself expired: no better

        var rotated = await _registry.RegisterOrCompareAsync(_clusterId, Ca("new"), "node-b", Now.AddDays(2));
        Assert.Equal(SharedMaterialOutcome.Replaced, rotated.Outcome);
        Assert.Equal("old", rotated.Registered!.Fingerprint);
        Assert.Equal(SharedMaterialOutcome.Matched, (await _registry.RegisterOrCompareAsync(_clusterId, Ca("new"), "node-a", Now.AddDays(2))).Outcome);
    }

    [Fact]
    public async Task Deliberate_replacement_overrides_valid_material()
    {
        await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-a", Now);

        var replaced = await _registry.RegisterOrCompareAsync(_clusterId, Ca("bb"), "node-b", Now, replace: true);
        Assert.Equal(SharedMaterialOutcome.Replaced, replaced.Outcome);
        Assert.Equal("aa", replaced.Registered!.Fingerprint);
        Assert.Equal(SharedMaterialOutcome.Conflict, (await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-a", Now)).Outcome);
        Assert.Equal(SharedMaterialOutcome.Matched, (await _registry.RegisterOrCompareAsync(_clusterId, Ca("bb"), "node-c", Now, replace: true)).Outcome);
    }

    [Fact]
    public async Task Concurrent_first_starts_register_one_material()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _registry.RegisterOrCompareAsync(_clusterId, Ca("fp" + i), "node-" + i, Now)));
        Assert.Equal(1, results.Count(r => r.Outcome == SharedMaterialOutcome.Registered));
        Assert.Equal(5, results.Count(r => r.Outcome == SharedMaterialOutcome.Conflict));
    }

    [Fact]
    public async Task Clusters_are_independent()
    {
        await _registry.RegisterOrCompareAsync(_clusterId, Ca("aa"), "node-a", Now);
        Assert.Equal(SharedMaterialOutcome.Registered, (await _registry.RegisterOrCompareAsync(_clusterId + "-2", Ca("bb"), "node-b", Now)).Outcome);
    }
}
