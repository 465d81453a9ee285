using Gateway.Contracts;
using Gateway.Policy.Parsing;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>renewal</c> section; rules apply only to renewals and only with the facts they need.</summary>
internal sealed class RenewalRules
{
    public TimeSpan? Window { get; init; }

    public bool RequireNewKey { get; init; }

    public bool AllowReenrollWithCurrentCert { get; init; } = true;

    /// <summary><c>keepNames</c> (default true): a renewal is issued with the subject and subjectAltNames of the certificate it renews.</summary>
    public bool KeepNames { get; init; } = true;

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

    /// <summary>
    /// <c>renewal.keepNames</c>: the certificate about to be issued (its subject after any template, its subjectAltNames
    /// after the SAN rules) names exactly what the certificate being renewed names, so a holder of one device's
    /// certificate cannot renew it into another device's names (RFC 7030 §4.2.2 asks the same of EST re-enrollment).
    /// Subjects compare as DER; subjectAltNames as sets, case-insensitively.
    /// </summary>
    public void EvaluateNames(ReadOnlySpan<byte> subject, IReadOnlyList<SubjectAltName> sans, PolicyInput input, PolicyFacts? facts, RuleRecorder rules)
    {
        if (!KeepNames || input.RenewalOf is null || facts?.RenewalOfSubject is not { } renewedSubject || facts.RenewalOfSubjectAltNames is not { } renewedSans)
        {
            return;
        }

        var requested = sans.Select(s => s.ToString()).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var current = renewedSans.Select(s => s.ToString()).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (!subject.SequenceEqual(renewedSubject))
        {
            rules.Deny("renewal.keepNames", $"A renewal keeps the subject of the certificate it renews ({input.RenewalOf}); this request asks for another", RejectionReason.BadCertTemplate);
        }
        else if (!requested.SequenceEqual(current, StringComparer.OrdinalIgnoreCase))
        {
            rules.Deny("renewal.keepNames",
                $"A renewal keeps the subjectAltNames of the certificate it renews ({input.RenewalOf}: {Names(current)}); this request asks for {Names(requested)}",
                RejectionReason.BadCertTemplate);
        }
        else
        {
            rules.Allow("renewal.keepNames", $"The renewal keeps the names of {input.RenewalOf}");
        }
    }

    private static string Names(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
