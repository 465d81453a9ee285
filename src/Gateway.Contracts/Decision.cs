namespace Gateway.Contracts;

/// <summary>
/// A policy decision: the effect, every rule that fired (for the audit trail) and, when allowed, the template to sign.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Decision")]
public sealed record Decision(
    [property: Id(0)] DecisionEffect Effect,
    [property: Id(1)] IReadOnlyList<FiredRule> FiredRules,
    [property: Id(2)] CertificateTemplate? Template,
    [property: Id(3)] RejectionReason? Reason,
    [property: Id(4)] string ProfileVersion)
{
    /// <summary>The first rule whose effect equals the decision's (the rule that decided), if any.</summary>
    public FiredRule? DecidingRule => FiredRules.FirstOrDefault(r => r.Effect == Effect);

    public string Summary => string.Join("; ", FiredRules.Where(r => r.Effect == Effect).Select(r => r.Reason));
}
