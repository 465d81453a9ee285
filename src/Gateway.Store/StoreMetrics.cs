using System.Diagnostics.Metrics;

namespace Gateway.Store;

/// <summary>
/// The store's instruments (meter <c>Gateway.Store</c>): how many units each group commit carried and how long it took,
/// by path (<c>set-based</c> for groups that only start new streams, <c>session</c> for Marten's session).
/// </summary>
public sealed class StoreMetrics
{
    public const string MeterName = "Gateway.Store";
    public const string CommitBatchSize = "gateway.store.commit.batch_size";
    public const string CommitDuration = "gateway.store.commit.duration";

    private static readonly InstrumentAdvice<int> BatchSizeAdvice = new()
    {
        HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10_000],
    };

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _duration;

    public StoreMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _batchSize = meter.CreateHistogram(CommitBatchSize, "{unit}",
            "Enrollment units (each one caller's events) committed together in one transaction by the group-commit writer.", advice: BatchSizeAdvice);
        _duration = meter.CreateHistogram(CommitDuration, "s",
            "Duration of one group-commit transaction (append and commit), by outcome (committed or failed) and path (set-based or session).", advice: MetricAdvice.Seconds);
    }

    public const string SetBasedPath = "set-based";
    public const string SessionPath = "session";

    /// <summary>
    /// One commit of <paramref name="units"/> units on <paramref name="path"/> (<see cref="SetBasedPath"/> or
    /// <see cref="SessionPath"/>) that took <paramref name="duration"/>; a failed one is counted by duration only.
    /// </summary>
    public void RecordCommit(int units, TimeSpan duration, bool committed, string path = SessionPath)
    {
        var pathTag = new KeyValuePair<string, object?>("path", path);
        if (committed) _batchSize.Record(units, pathTag);
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", committed ? "committed" : "failed"), pathTag);
    }
}
