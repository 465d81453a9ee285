using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>How the group-commit writer reports and survives concurrency on one stream.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class GroupCommitWriterConflictTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly string _schema = EmbeddedPostgresFixture.NewSchema("c");
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = await postgres.OpenStoreAsync(_schema);

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private GroupCommitWriter Writer(int maxBatch, int writers) => new(
        _store, Options.Create(new GatewayStoreOptions { MaxBatchSize = maxBatch, Writers = writers, CommitQueueLimit = 10_000 }),
        TestMeters.Store(), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);

    private static object Event(string stream) => new EnrollmentFulfilled(stream, "00", T0);

    [Fact]
    public async Task AppendAsync_unit_with_several_versioned_appends_names_the_stream_that_moved()
    {
        await using var writer = Writer(maxBatch: 1, writers: 1);
        var enrollment = $"e:{Guid.NewGuid():N}";
        var credential = $"credential:{Guid.NewGuid():N}";
        await writer.AppendAsync([new StreamAppend(enrollment, true, [Event(enrollment)]), new StreamAppend(credential, true, [Event(credential)])]);
        await writer.AppendAsync([new StreamAppend(credential, false, [Event(credential)], ExpectedVersion: 1)]); // another writer spent a use

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => writer.AppendAsync([
            new StreamAppend(enrollment, false, [Event(enrollment)], ExpectedVersion: 1),
            new StreamAppend(credential, false, [Event(credential)], ExpectedVersion: 1),
        ]));

        Assert.Equal(credential, conflict.StreamId); // not the enrollment, the first versioned append of the unit
    }

    [Fact]
    public async Task AppendAsync_concurrent_unversioned_appends_to_one_stream_all_commit()
    {
        await using var writer = Writer(maxBatch: 4, writers: 8);
        var stream = $"s:{Guid.NewGuid():N}";
        await writer.AppendAsync([new StreamAppend(stream, true, [Event(stream)])]);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => writer.AppendAsync([new StreamAppend(stream, false, [Event(stream)])])));

        await using var session = _store.QuerySession();
        Assert.Equal(301, (await session.Events.FetchStreamStateAsync(stream))!.Version);
    }

    [Fact]
    public async Task AppendAsync_unversioned_appends_from_two_nodes_to_one_stream_all_commit()
    {
        await using var first = Writer(maxBatch: 4, writers: 4);
        await using var second = Writer(maxBatch: 4, writers: 4); // another node: no lock shared with the first
        var stream = $"s:{Guid.NewGuid():N}";
        await first.AppendAsync([new StreamAppend(stream, true, [Event(stream)])]);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? first : second).AppendAsync([new StreamAppend(stream, false, [Event(stream)])])));

        await using var session = _store.QuerySession();
        Assert.Equal(201, (await session.Events.FetchStreamStateAsync(stream))!.Version);
    }
}
