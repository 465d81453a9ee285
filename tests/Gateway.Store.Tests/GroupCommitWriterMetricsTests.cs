using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Store.Tests;

/// <summary>The group-commit writer's instruments: batch size per committed transaction, duration per transaction and outcome.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class GroupCommitWriterMetricsTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters = TestMeters.Factory();
    private DocumentStore _store = null!;
    private GroupCommitWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync("m");
        _writer = EmbeddedPostgresFixture.NewWriter(_store, TestMeters.Store(_meters));
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
    }

    private static IReadOnlyList<StreamAppend> Unit(string streamId) =>
        [new StreamAppend(streamId, true, [new EnrollmentFulfilled(streamId, "00", T0)])];

    [Fact]
    public async Task AppendAsync_concurrent_units_batch_sizes_add_up_to_the_units_committed()
    {
        using var batches = new MetricCollector<int>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitBatchSize);
        using var durations = new MetricCollector<double>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitDuration);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _writer.AppendAsync(Unit($"metrics:{i}-{Guid.NewGuid():N}"))));

        var sizes = batches.GetMeasurementSnapshot();
        Assert.Equal(50, sizes.Sum(m => m.Value));
        Assert.All(sizes, m => Assert.InRange(m.Value, 1, 64));
        var times = durations.GetMeasurementSnapshot();
        Assert.Equal(sizes.Count, times.Count);
        Assert.All(times, m => Assert.Equal("committed", m.Tags["outcome"]));
        Assert.All(times, m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task AppendAsync_colliding_unit_records_a_failed_commit_and_no_batch()
    {
        var taken = $"metrics:taken-{Guid.NewGuid():N}";
        await _writer.AppendAsync(Unit(taken));
        using var batches = new MetricCollector<int>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitBatchSize);
        using var durations = new MetricCollector<double>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitDuration);

        await Assert.ThrowsAsync<StreamCollisionException>(() => _writer.AppendAsync(Unit(taken)));

        Assert.Empty(batches.GetMeasurementSnapshot());
        var failed = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal("failed", failed.Tags["outcome"]);
    }
}
