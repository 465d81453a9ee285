namespace Gateway.Contracts;

/// <summary>One rule that took part in a decision, with its effect and a human-readable reason.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.FiredRule")]
public sealed record FiredRule(
    [property: Id(0)] string Rule,
    [property: Id(1)] DecisionEffect Effect,
    [property: Id(2)] string Reason);

[GenerateSerializer, Alias("Gateway.DecisionEffect")]
public enum DecisionEffect
{
    Allow = 0,
    Deny = 1,
    Pending = 2,
}
