using System.Diagnostics.Metrics;

namespace Gateway.Store;

/// <summary>
/// The store's instruments (meter <c>Gateway.Store</c>): how many units each group commit carried and how long it took.
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
            "Duration of one group-commit transaction (append and commit), by outcome (committed or failed).", advice: MetricAdvice.Seconds);
    }

    /// <summary>One commit of <paramref name="units"/> units that took <paramref name="duration"/>; a failed one is counted by duration only.</summary>
    public void RecordCommit(int units, TimeSpan duration, bool committed)
    {
        if (committed) _batchSize.Record(units);
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", committed ? "committed" : "failed"));
    }
}
