namespace Gateway.LoadTests.Reporting;

/// <summary>The pre-generated CSRs: how many, how long they took, how many were sent, whether some were sent twice.</summary>
internal sealed record PoolReport(int Size, double GenerationSeconds, long Used, bool Wrapped, string? Note);
