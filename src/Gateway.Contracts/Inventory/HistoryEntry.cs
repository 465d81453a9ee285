namespace Gateway.Contracts.Inventory;

/// <summary>One lifecycle event: its type, when, who, and its details as JSON.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] string Type,
    [property: Id(1)] DateTimeOffset Time,
    [property: Id(2)] string Actor,
    [property: Id(3)] string StreamId,
    [property: Id(4)] long Version,
    [property: Id(5)] string DetailsJson);
