namespace Gateway.Store.Events;

/// <summary>An action taken through the admin API (stream <c>admin:&lt;yyyy-MM-dd&gt;</c>).</summary>
public sealed record AdminActionRecorded(
    string Actor,
    string Action,
    string Target,
    string? ClientAddress,
    int Status,
    string? Detail,
    DateTimeOffset At);
