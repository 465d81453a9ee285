using System.Diagnostics.Metrics;
using Gateway.Contracts.Credentials;

namespace Gateway.Grains;

/// <summary>
/// The credential instruments (meter <c>Gateway.Credentials</c>): every refused use or verification of an enrollment
/// credential, by reason (<c>not-found</c>, <c>wrong-secret</c>, <c>revoked</c>, <c>expired</c>, <c>wrong-profile</c>,
/// <c>exhausted</c>, <c>subject-not-allowed</c>: the slugs of the credential's own events) and stage (<c>verify</c>: the
/// front-end checked the secret; <c>use</c>: an enrollment tried to count a use). An EST client whose credential is spent
/// passes <c>verify</c> refused as <c>exhausted</c> and is then refused at <c>use</c> unless it retries a counted enrollment.
/// </summary>
public sealed class CredentialMetrics
{
    public const string MeterName = "Gateway.Credentials";
    public const string Refusals = "gateway.credential.refusals";
    public const string Verify = "verify";
    public const string Use = "use";

    private readonly Counter<long> _refusals;

    public CredentialMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _refusals = meterFactory.Create(MeterName).CreateCounter<long>(Refusals, "{refusal}",
            "Enrollment credentials refused, by reason and stage (verify or use).");
    }

    /// <summary>Counts <paramref name="check"/> when it is a refusal; returns it unchanged.</summary>
    public CredentialCheck Recorded(CredentialCheck check, string stage)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        if (!check.Valid)
        {
            _refusals.Add(1, new KeyValuePair<string, object?>("reason", CredentialRules.Slug(check.Status)), new KeyValuePair<string, object?>("stage", stage));
        }
        return check;
    }
}
