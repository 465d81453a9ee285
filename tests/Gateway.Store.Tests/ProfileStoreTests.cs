using Marten;

namespace Gateway.Store.Tests;

/// <summary>Profile versions in the event store: appends with optimistic concurrency, history with diffs, and seeding semantics.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class ProfileStoreTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private DocumentStore _store = null!;
    private ProfileStore _profiles = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync("p");
        _profiles = new ProfileStore(_store, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static string Doc(string name, string description) => $"name: {name}\ndescription: {description}\nprotocols: [admin]\n";

    [Fact]
    public async Task Append_creates_version_one_then_increments_and_records_diff_and_hash()
    {
        var first = await _profiles.AppendAsync("Alpha", Doc("Alpha", "one"), ProfileSources.Api, "alice", null, null, 0);
        Assert.Equal(ProfileAppendStatus.Appended, first.Status);
        Assert.Equal(1, first.Record!.Version);
        Assert.Equal("profile:alpha", first.Record.Id);

        var second = await _profiles.AppendAsync("alpha", Doc("alpha", "two"), ProfileSources.Api, "bob", null, null, 1);
        Assert.Equal(ProfileAppendStatus.Appended, second.Status);
        Assert.Equal(2, second.Record!.Version);

        var stored = await _profiles.GetAsync("ALPHA");
        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        Assert.Equal("bob", stored.Author);
        Assert.Equal(ProfileStore.Sha256Of(Doc("alpha", "two")), stored.Sha256);

        var history = await _profiles.GetHistoryAsync("alpha");
        Assert.NotNull(history);
        Assert.Equal([1, 2], history.Select(h => h.Version));
        Assert.Contains("+++ v1", history[0].Diff);
        Assert.Contains("+description: one", history[0].Diff);
        Assert.Contains("-description: one", history[1].Diff);
        Assert.Contains("+description: two", history[1].Diff);
        Assert.DoesNotContain("protocols", history[1].Diff.Split('\n').Where(l => l.StartsWith('+') || l.StartsWith('-')));
    }

    [Fact]
    public async Task Append_based_on_a_stale_version_is_a_conflict_and_writes_nothing()
    {
        await _profiles.AppendAsync("beta", Doc("beta", "one"), ProfileSources.Api, "alice", null, null, 0);
        await _profiles.AppendAsync("beta", Doc("beta", "two"), ProfileSources.Api, "alice", null, null, 1);

        var stale = await _profiles.AppendAsync("beta", Doc("beta", "three"), ProfileSources.Api, "bob", null, null, 1);
        var recreate = await _profiles.AppendAsync("beta", Doc("beta", "four"), ProfileSources.Api, "bob", null, null, 0);

        Assert.Equal(ProfileAppendStatus.Conflict, stale.Status);
        Assert.Equal(ProfileAppendStatus.Conflict, recreate.Status);
        Assert.Equal(2, (await _profiles.GetHistoryAsync("beta"))!.Count);
    }

    [Fact]
    public async Task Concurrent_appends_on_the_same_version_commit_exactly_one()
    {
        await _profiles.AppendAsync("gamma", Doc("gamma", "base"), ProfileSources.Api, "alice", null, null, 0);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _profiles.AppendAsync("gamma", Doc("gamma", "writer " + i), ProfileSources.Api, "w" + i, null, null, 1)));
        Assert.Equal(1, results.Count(r => r.Status == ProfileAppendStatus.Appended));
        Assert.Equal([1, 2], (await _profiles.GetHistoryAsync("gamma"))!.Select(h => h.Version));
    }

    [Fact]
    public async Task Append_of_the_same_document_is_unchanged()
    {
        await _profiles.AppendAsync("delta", Doc("delta", "one"), ProfileSources.Api, "alice", null, null, 0);
        var again = await _profiles.AppendAsync("delta", Doc("delta", "one").Replace("\n", "\r\n"), ProfileSources.Api, "alice", null, null, 1);
        Assert.Equal(ProfileAppendStatus.Unchanged, again.Status);
        Assert.Single((await _profiles.GetHistoryAsync("delta"))!);
    }

    [Fact]
    public async Task Seed_creates_updates_file_versions_and_keeps_api_changes()
    {
        // Start: two profiles from files.
        var first = await _profiles.SeedAsync([
            new ProfileSeedDocument("from-file", Doc("from-file", "v1"), "from-file.yaml"),
            new ProfileSeedDocument("edited", Doc("edited", "v1"), "edited.yaml"),
        ], reload: false, "system");
        Assert.Equal(["from-file", "edited"], first.Created);
        var seeded = await _profiles.GetAsync("from-file");
        Assert.Equal("seed:from-file.yaml", seeded!.Source);
        Assert.Equal("from-file.yaml", seeded.SeedFile);

        // An administrator changes one through the API.
        await _profiles.AppendAsync("edited", Doc("edited", "api"), ProfileSources.Api, "alice", null, null, 1);

        // Both files change, and a new one appears.
        var second = await _profiles.SeedAsync([
            new ProfileSeedDocument("from-file", Doc("from-file", "v2"), "from-file.yaml"),
            new ProfileSeedDocument("edited", Doc("edited", "v2"), "edited.yaml"),
            new ProfileSeedDocument("new-one", Doc("new-one", "v1"), "new-one.yaml"),
        ], reload: true, "carol");
        Assert.Equal(["new-one"], second.Created);
        Assert.Equal(["from-file"], second.Updated);
        Assert.Empty(second.Unchanged);
        var kept = Assert.Single(second.Kept);
        Assert.Equal(("edited", 2, "api", "edited.yaml"), (kept.Name, kept.Version, kept.Source, kept.File));

        var updated = await _profiles.GetAsync("from-file");
        Assert.Equal((2, "reload", "carol"), (updated!.Version, updated.Source, updated.Author));
        Assert.Contains("+description: v2", (await _profiles.GetHistoryAsync("from-file"))![1].Diff);
        var edited = await _profiles.GetAsync("edited");
        Assert.Equal((2, "api"), (edited!.Version, edited.Source));
        Assert.Contains("description: api", edited.Document);

        // Seeding the same files again changes nothing.
        var third = await _profiles.SeedAsync([
            new ProfileSeedDocument("from-file", Doc("from-file", "v2"), "from-file.yaml"),
            new ProfileSeedDocument("new-one", Doc("new-one", "v1"), "new-one.yaml"),
        ], reload: false, "system");
        Assert.Equal(["from-file", "new-one"], third.Unchanged);
        Assert.Empty(third.Created);
        Assert.Empty(third.Updated);
        Assert.Equal(2, (await _profiles.GetAsync("from-file"))!.Version);
    }

    [Fact]
    public async Task Seed_keeps_a_rolled_back_profile_like_an_api_change()
    {
        await _profiles.SeedAsync([new ProfileSeedDocument("rolled", Doc("rolled", "v1"), "rolled.yaml")], reload: false, "system");
        await _profiles.AppendAsync("rolled", Doc("rolled", "api"), ProfileSources.Api, "alice", null, null, 1);
        await _profiles.AppendAsync("rolled", Doc("rolled", "v1"), ProfileSources.Rollback(1), "alice", null, 1, 2);

        var result = await _profiles.SeedAsync([new ProfileSeedDocument("rolled", Doc("rolled", "v2"), "rolled.yaml")], reload: false, "system");

        Assert.Equal("rollback:1", Assert.Single(result.Kept).Source);
        Assert.Equal(3, (await _profiles.GetAsync("rolled"))!.Version);
    }

    [Fact]
    public async Task Current_versions_lists_every_profile_by_record_id()
    {
        await _profiles.SeedAsync([
            new ProfileSeedDocument("one", Doc("one", "a"), "one.yaml"),
            new ProfileSeedDocument("two", Doc("two", "a"), "two.yaml"),
        ], reload: false, "system");
        await _profiles.AppendAsync("two", Doc("two", "b"), ProfileSources.Api, "alice", null, null, 1);

        var versions = await _profiles.GetCurrentVersionsAsync();

        Assert.Equal(1, versions["profile:one"]);
        Assert.Equal(2, versions["profile:two"]);
        Assert.Equal(["one", "two"], (await _profiles.ListAsync()).Select(p => p.Name));
    }

    [Fact]
    public async Task Unknown_profile_has_no_record_and_no_history()
    {
        Assert.Null(await _profiles.GetAsync("nope"));
        Assert.Null(await _profiles.GetHistoryAsync("nope"));
    }
}
