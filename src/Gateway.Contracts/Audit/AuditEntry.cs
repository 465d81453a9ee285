namespace Gateway.Contracts.Audit;

/// <summary>One recorded <see cref="AdminAction"/> with its time.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Target,
    [property: Id(4)] string? ClientAddress,
    [property: Id(5)] int Status,
    [property: Id(6)] string? Detail);
