namespace Gateway.Store.Events;

/// <summary>A fired policy rule as recorded in an event.</summary>
public sealed record FiredRuleData(string Rule, string Effect, string Reason);
