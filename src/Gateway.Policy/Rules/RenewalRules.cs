using Gateway.Contracts;
using Gateway.Policy.Parsing;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>renewal</c> section; rules apply only to renewals and only with the facts they need.</summary>
internal sealed class RenewalRules
{
    public TimeSpan? Window { get; init; }

    public bool RequireNewKey { get; init; }

    public bool AllowReenrollWithCurrentCert { get; init; } = true;

    public static RenewalRules Default { get; } = new();

    /// <summary>The authentication part (→ Unauthorized), checked with protocol and method.</summary>
    public void EvaluateAuthentication(PolicyInput input, PolicyFacts? facts, RuleRecorder rules)
    {
        if (input.RenewalOf is null || facts?.AuthenticatedWithRenewedCertificate is not true)
        {
            return;
        }

        if (AllowReenrollWithCurrentCert)
        {
            rules.Allow("renewal.allowReenrollWithCurrentCert", $"Re-enrollment authenticated with the certificate being renewed ({input.RenewalOf}) is allowed");
        }
        else
        {
            rules.Deny("renewal.allowReenrollWithCurrentCert", "Re-enrollment authenticated with the certificate being renewed is not allowed by this profile", RejectionReason.Unauthorized);
        }
    }

    public void Evaluate(PolicyInput input, PolicyFacts? facts, RuleRecorder rules)
    {
        if (input.RenewalOf is null || facts is null)
        {
            return;
        }

        if (Window is { } window && facts.RenewalOfNotAfter is { } notAfter)
        {
            var opens = notAfter - window;
            if (input.Now < opens)
            {
                rules.Deny("renewal.window", $"Renewal of {input.RenewalOf} opens at {Durations.Format(opens)} ({Durations.Format(window)} before it expires at {Durations.Format(notAfter)})", RejectionReason.PolicyDenied);
            }
            else
            {
                rules.Allow("renewal.window", $"Renewal of {input.RenewalOf} is within {Durations.Format(window)} of its expiry at {Durations.Format(notAfter)}");
            }
        }

        if (RequireNewKey && facts.RenewalReusesKey is { } reuses)
        {
            if (reuses)
            {
                rules.Deny("renewal.requireNewKey", "Renewal must use a new key, but the request reuses the key of the certificate being renewed", RejectionReason.BadKey);
            }
            else
            {
                rules.Allow("renewal.requireNewKey", "Renewal uses a new key");
            }
        }
    }
}
