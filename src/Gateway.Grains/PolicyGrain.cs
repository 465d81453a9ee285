using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Policy;
using Orleans.Concurrency;

namespace Gateway.Grains;

/// <summary>
/// Evaluates one profile's compiled rules (key = profile name). Stateless and local to each silo: the rules are
/// compiled once per stored version (<see cref="PolicyCatalogProvider"/>) and shared, so evaluation is a pure in-memory function call.
/// </summary>
[StatelessWorker]
internal sealed class PolicyGrain(PolicyCatalogProvider catalog) : Grain, IPolicyGrain
{
    public Task<Decision> EvaluateAsync(PolicyInput input)
    {
        var name = this.GetPrimaryKeyString();
        if (!catalog.Current.TryGet(name, out var profile))
        {
            if (!catalog.IsLoaded) return Task.FromResult(NotLoaded);
            return Task.FromResult(new Decision(DecisionEffect.Deny,
                [new FiredRule("profile", DecisionEffect.Deny, $"Unknown profile '{name}'.")], null, RejectionReason.UnknownProfile, "0"));
        }
        return Task.FromResult(profile.Evaluate(input));
    }

    private static readonly Decision NotLoaded = new(DecisionEffect.Deny,
        [new FiredRule("profile", DecisionEffect.Deny, "Policy profiles are not loaded yet (the store has not answered).")], null, RejectionReason.Unavailable, "0");

    public Task<Decision> EvaluateWithFactsAsync(PolicyInput input, EvaluationFacts facts)
    {
        var name = this.GetPrimaryKeyString();
        if (!catalog.Current.TryGet(name, out var profile))
        {
            return EvaluateAsync(input);
        }
        return Task.FromResult(profile.Evaluate(input, new PolicyFacts
        {
            KeyInUseByOtherSubject = facts.KeyInUseByOtherSubject,
            IssuedToRequesterInWindow = facts.IssuedToRequesterInWindow,
            IssuedForProfileInWindow = facts.IssuedForProfileInWindow,
            RenewalOfNotAfter = facts.RenewalOfNotAfter,
            RenewalReusesKey = facts.RenewalReusesKey,
            AuthenticatedWithRenewedCertificate = facts.AuthenticatedWithRenewedCertificate,
        }));
    }
}
