namespace Gateway.Contracts.Audit;

[GenerateSerializer, Immutable, Alias("Gateway.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditEntry> Items,
    [property: Id(1)] long Total,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);
