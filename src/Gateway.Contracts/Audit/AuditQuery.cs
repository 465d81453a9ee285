namespace Gateway.Contracts.Audit;

/// <summary>A page of the audit log, newest first; <see cref="To"/> is exclusive.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] DateTimeOffset? From = null,
    [property: Id(1)] DateTimeOffset? To = null,
    [property: Id(2)] string? Actor = null,
    [property: Id(3)] string? Action = null,
    [property: Id(4)] int Page = 1,
    [property: Id(5)] int PageSize = 50);
