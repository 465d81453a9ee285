namespace Gateway.LoadTests.Running;

/// <summary>When the run's phases began and ended, and what the machine did meanwhile.</summary>
internal sealed record RunTimes(
    DateTimeOffset StartedAt,
    double MeasuredSeconds,
    bool Aborted,
    TimeSpan GeneratorCpuInWindow,
    string? LoadAverageAtMeasureStart,
    string? LoadAverageAtEnd,
    IReadOnlyDictionary<string, double> ServerCpuSeconds,
    IReadOnlyList<TimelinePoint> Timeline);
