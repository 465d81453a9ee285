using Gateway.LoadTests.Running;
using Gateway.LoadTests.Scenarios;

namespace Gateway.LoadTests.Reporting;

/// <summary>
/// The JSON report; the README's "Report fields" section explains each one. Latencies are of successful measured
/// requests; <see cref="Throughput"/> is successful requests per second over <see cref="MeasuredSeconds"/>.
/// </summary>
internal sealed record RunReport(
    string Scenario,
    string Description,
    IReadOnlyList<string> BaseUrls,
    ShapeReport Shape,
    double WarmupSeconds,
    double DurationSeconds,
    double MeasuredSeconds,
    DateTimeOffset StartedAt,
    bool Aborted,
    long Completed,
    long Succeeded,
    long Failed,
    double Throughput,
    double RequestRate,
    LatencyReport? LatencyMs,
    LatencyReport? ServiceTimeMs,
    LatencyReport? FailedLatencyMs,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyDictionary<string, long> WarmupErrors,
    IReadOnlyDictionary<string, string> ErrorSamples,
    PoolReport Pool,
    VerificationResult? Verify,
    MachineReport Machine,
    IReadOnlyList<ServerCpuReport> ServerCpu,
    IReadOnlyList<TimelinePoint> Timeline);
