using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Store.Tests;

/// <summary>The group-commit queue is bounded: past Gateway:Store:CommitQueueLimit a unit is refused at once.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class GroupCommitWriterQueueTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _schema = EmbeddedPostgresFixture.NewSchema("q");
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = await postgres.OpenStoreAsync(_schema);

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static IReadOnlyList<StreamAppend> Unit(string streamId) =>
        [new StreamAppend(streamId, true, [new EnrollmentFulfilled(streamId, "00", T0)])];

    [Fact]
    public async Task AppendAsync_queue_full_while_the_store_is_blocked_refuses_at_once_and_queued_units_commit_later()
    {
        await using var writer = new GroupCommitWriter(
            _store, Options.Create(new GatewayStoreOptions { MaxBatchSize = 1, Writers = 1, CommitQueueLimit = 2 }),
            TestMeters.Store(), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);
        await using var blocker = new NpgsqlConnection(postgres.Server.ConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand($"LOCK TABLE {_schema}.mt_events IN ACCESS EXCLUSIVE MODE", blocker, tx))
        {
            await lockCmd.ExecuteNonQueryAsync();
        }

        // The one writer takes the first unit and blocks on the lock; two more fill the queue.
        var inFlight = writer.AppendAsync(Unit($"q:0-{Guid.NewGuid():N}"));
        await WaitUntilAsync(() => writer.QueuedUnits == 0);
        var queued = new[] { writer.AppendAsync(Unit($"q:1-{Guid.NewGuid():N}")), writer.AppendAsync(Unit($"q:2-{Guid.NewGuid():N}")) };

        var refused = writer.AppendAsync(Unit($"q:3-{Guid.NewGuid():N}"));

        Assert.True(refused.IsFaulted);
        Assert.IsType<CommitQueueFullException>(refused.Exception!.InnerException);
        Assert.False(inFlight.IsCompleted);
        await tx.RollbackAsync();
        await Task.WhenAll([inFlight, .. queued]);
    }

    [Fact]
    public async Task AppendAsync_queue_below_limit_commits_every_unit()
    {
        await using var writer = new GroupCommitWriter(
            _store, Options.Create(new GatewayStoreOptions { MaxBatchSize = 8, Writers = 1, CommitQueueLimit = 100 }),
            TestMeters.Store(), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => writer.AppendAsync(Unit($"q:ok{i}-{Guid.NewGuid():N}"))));

        Assert.Equal(0, writer.QueuedUnits);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
