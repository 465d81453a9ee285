namespace Gateway.Store;

public sealed record HistoryItem(string Type, DateTimeOffset Time, string Actor, string StreamId, long Version, string DetailsJson);
