namespace Gateway.LoadTests.Running;

/// <summary>One second of the run: what completed in it and how fast the successful ones were.</summary>
internal sealed record TimelinePoint(
    double Second, string Phase, int Workers, long InFlight, long Completed, long Failed, double P50Ms, double P99Ms, double MaxMs);
