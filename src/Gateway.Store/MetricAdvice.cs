using System.Diagnostics.Metrics;

namespace Gateway.Store;

/// <summary>Histogram bucket advice shared by the gateway's duration instruments (OpenTelemetry's default buckets are for milliseconds).</summary>
public static class MetricAdvice
{
    /// <summary>From 100 µs (a cached answer) to 10 s (a stalled commit), in seconds.</summary>
    public static InstrumentAdvice<double> Seconds { get; } = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };
}
