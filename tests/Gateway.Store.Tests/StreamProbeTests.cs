using Gateway.Store.Events;
using Marten;

namespace Gateway.Store.Tests;

/// <summary>The grouped stream look-up answers each concurrent question for its own stream, and fails a group as a whole.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class StreamProbeTests(EmbeddedPostgresFixture postgres)
{
    [Fact]
    public async Task Concurrent_questions_each_get_their_own_answer()
    {
        using var store = await postgres.NewStoreAsync("probe");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var existing = Enumerable.Range(0, 50).Select(i => $"est:{i}-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(existing.Select(id => writer.AppendAsync([new StreamAppend(id, true, [new EnrollmentFulfilled(id, "00", DateTimeOffset.UtcNow)])])));
        var missing = Enumerable.Range(0, 50).Select(i => $"est:missing-{i}-{Guid.NewGuid():N}").ToList();
        await using var probe = new StreamProbe(store, postgres.Server.ConnectionString);

        // Each id asked twice, interleaved, all at once: groups hold duplicates and both kinds.
        var questions = existing.Concat(missing).Concat(existing).Concat(missing).OrderBy(_ => Random.Shared.Next()).ToList();
        var answers = await Task.WhenAll(questions.Select(id => probe.ExistsAsync(id)));

        for (var i = 0; i < questions.Count; i++) Assert.Equal(existing.Contains(questions[i]), answers[i]);
    }

    [Fact]
    public async Task It_asks_on_a_pool_of_its_own_and_answers_the_same()
    {
        using var store = await postgres.NewStoreAsync("probe_own");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var existing = $"est:own-{Guid.NewGuid():N}";
        await writer.AppendAsync([new StreamAppend(existing, true, [new EnrollmentFulfilled(existing, "00", DateTimeOffset.UtcNow)])]);
        await using var probe = new StreamProbe(store, StoreConnectionString.WithDefaults(postgres.Server.ConnectionString));

        // Asked many times: the store's pool would have prepared the statement after two uses.
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await probe.ExistsAsync(existing));
            Assert.False(await probe.ExistsAsync($"est:own-missing-{i}"));
        }

        await using var admin = new Npgsql.NpgsqlConnection(postgres.Server.ConnectionString);
        await admin.OpenAsync();
        await using var sessions = new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where application_name = 'gateway-stream-probe'", admin);
        Assert.True((long)(await sessions.ExecuteScalarAsync())! >= 1, "the probe's pooled connection is its own");
    }

    [Fact]
    public async Task A_failed_query_fails_the_questions_of_its_group_and_the_next_group_is_asked_again()
    {
        var schema = EmbeddedPostgresFixture.NewSchema("probe_missing");
        using var store = DocumentStore.For(o =>
        {
            o.Connection(postgres.Server.ConnectionString);
            StoreServiceCollectionExtensions.ConfigureMarten(o, schema); // no tables created: the query fails
        });
        await using var probe = new StreamProbe(store, postgres.Server.ConnectionString);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => probe.ExistsAsync("est:x"));

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.False(await probe.ExistsAsync("est:x"));
    }
}
