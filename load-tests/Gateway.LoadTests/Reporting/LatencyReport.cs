using HdrHistogram;

namespace Gateway.LoadTests.Reporting;

/// <summary>Latency percentiles in milliseconds, read from a microsecond HdrHistogram.</summary>
internal sealed record LatencyReport(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static LatencyReport? From(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0) return null;
        return new LatencyReport(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            Math.Round(histogram.GetMean() / 1000.0, 3));
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
