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
        await using var probe = new StreamProbe(store);

        // Each id asked twice, interleaved, all at once: groups hold duplicates and both kinds.
        var questions = existing.Concat(missing).Concat(existing).Concat(missing).OrderBy(_ => Random.Shared.Next()).ToList();
        var answers = await Task.WhenAll(questions.Select(id => probe.ExistsAsync(id)));

        for (var i = 0; i < questions.Count; i++) Assert.Equal(existing.Contains(questions[i]), answers[i]);
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
        await using var probe = new StreamProbe(store);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => probe.ExistsAsync("est:x"));

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.False(await probe.ExistsAsync("est:x"));
    }
}
