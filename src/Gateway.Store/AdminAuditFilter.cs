namespace Gateway.Store;

/// <summary>Which audit entries to read: a time range (<see cref="To"/> exclusive), an actor, an action; newest first.</summary>
public sealed record AdminAuditFilter(DateTimeOffset? From, DateTimeOffset? To, string? Actor, string? Action, int Skip, int Take);
