using Gateway.Contracts;

namespace Gateway.Policy.Rules;

/// <summary>Collects the fired rules of one evaluation; the first denial decides the rejection reason.</summary>
internal sealed class RuleRecorder
{
    public List<FiredRule> Rules { get; } = new(16);

    public RejectionReason? DenyReason { get; private set; }

    public bool Denied => DenyReason is not null;

    public void Allow(string rule, string reason) => Rules.Add(new FiredRule(rule, DecisionEffect.Allow, reason));

    public void Pending(string rule, string reason) => Rules.Add(new FiredRule(rule, DecisionEffect.Pending, reason));

    public void Deny(string rule, string reason, RejectionReason why)
    {
        Rules.Add(new FiredRule(rule, DecisionEffect.Deny, reason));
        DenyReason ??= why;
    }
}
