using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Contracts;
using Gateway.Store;

namespace Gateway.Grains.Enrollment;

/// <summary>
/// The enrollment instruments (meter <c>Gateway.Enrollment</c>): every enrollment decided, by protocol, profile, outcome
/// (issued, pending, rejected) and rejection reason; how long the decision took (store facts, policy, quota); how long
/// issuance took (CA signature and the commit of its events). A pending enrollment counts once as pending and again as
/// issued when an administrator approves it (or as rejected, reason <c>denied</c>).
/// </summary>
public sealed class EnrollmentMetrics
{
    public const string MeterName = "Gateway.Enrollment";
    public const string Enrollments = "gateway.enrollments";
    public const string DecisionDuration = "gateway.enrollment.decision.duration";
    public const string IssuanceDuration = "gateway.enrollment.issuance.duration";

    public const string Issued = "issued";
    public const string Pending = "pending";
    public const string Rejected = "rejected";

    /// <summary>The <c>reason</c> tag of an enrollment that was not rejected.</summary>
    public const string NoReason = "none";

    /// <summary>The <c>profile</c> tag when the request named no profile the gateway knows.</summary>
    public const string UnknownProfile = "unknown";

    /// <summary>The <c>profile</c> tag once <see cref="MaxProfiles"/> distinct profiles were seen (bounds the series a scraper keeps).</summary>
    public const string OtherProfile = "other";

    public const int MaxProfiles = 200;

    private static readonly string[] ReasonTags = Enum.GetValues<RejectionReason>().Select(r => SnakeCase(r.ToString())).ToArray();

    private readonly Counter<long> _enrollments;
    private readonly Histogram<double> _decision;
    private readonly Histogram<double> _issuance;
    private readonly ConcurrentDictionary<string, string> _profiles = new(StringComparer.Ordinal);

    public EnrollmentMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _enrollments = meter.CreateCounter<long>(Enrollments, "{enrollment}",
            "Enrollments decided, by protocol, profile, outcome (issued, pending, rejected) and reason (the rejection reason, or none).");
        _decision = meter.CreateHistogram(DecisionDuration, "s",
            "Time to decide an enrollment: store facts, policy evaluation and quota reservation.", advice: MetricAdvice.Seconds);
        _issuance = meter.CreateHistogram(IssuanceDuration, "s",
            "Time to issue an approved enrollment: the CA signature and the commit of its events.", advice: MetricAdvice.Seconds);
    }

    /// <summary>One enrollment decided as <paramref name="outcome"/> (<see cref="Issued"/>, <see cref="Pending"/>, <see cref="Rejected"/>).</summary>
    public void Record(EnrollmentProtocol? protocol, string? profile, string outcome, RejectionReason? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outcome);
        var tags = new System.Diagnostics.TagList
        {
            { "protocol", protocol is { } p ? ProtocolTag(p) : "other" },
            { "profile", reason == RejectionReason.UnknownProfile ? UnknownProfile : ProfileTag(profile) },
            { "outcome", outcome },
            { "reason", reason is { } r ? ReasonTag(r) : NoReason },
        };
        _enrollments.Add(1, tags);
    }

    /// <summary>One enrollment decided: the outcome's kind and, for a rejection, its reason.</summary>
    public void Record(EnrollmentProtocol protocol, string? profile, EnrollmentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        switch (outcome)
        {
            case IssuedOutcome:
                Record(protocol, profile, Issued, null);
                break;
            case PendingOutcome:
                Record(protocol, profile, Pending, null);
                break;
            case RejectedOutcome rejected:
                Record(protocol, profile, Rejected, rejected.Reason);
                break;
            default:
                Record(protocol, profile, SnakeCase(outcome.GetType().Name.Replace("Outcome", "", StringComparison.Ordinal)), null);
                break;
        }
    }

    public void RecordDecision(TimeSpan duration) => _decision.Record(duration.TotalSeconds);

    public void RecordIssuance(TimeSpan duration) => _issuance.Record(duration.TotalSeconds);

    /// <summary><c>est</c>, <c>admin</c>, …</summary>
    public static string ProtocolTag(EnrollmentProtocol protocol) => protocol switch
    {
        EnrollmentProtocol.Admin => "admin",
        EnrollmentProtocol.Acme => "acme",
        EnrollmentProtocol.Scep => "scep",
        EnrollmentProtocol.Est => "est",
        EnrollmentProtocol.Cmp => "cmp",
        _ => "other",
    };

    /// <summary>The protocol of a stored enrollment (its events name it in lower case); null when the name is not one.</summary>
    public static EnrollmentProtocol? ProtocolOf(string? name) =>
        Enum.TryParse<EnrollmentProtocol>(name, ignoreCase: true, out var protocol) && Enum.IsDefined(protocol) ? protocol : null;

    /// <summary><c>policy_denied</c>, <c>rate_limited</c>, <c>transaction_id_in_use</c>, …</summary>
    public static string ReasonTag(RejectionReason reason) =>
        (int)reason >= 0 && (int)reason < ReasonTags.Length && Enum.IsDefined(reason) ? ReasonTags[(int)reason] : SnakeCase(reason.ToString());

    private string ProfileTag(string? profile)
    {
        if (string.IsNullOrWhiteSpace(profile)) return UnknownProfile;
        var key = profile.Trim().ToLowerInvariant();
        // Only what a profile name can be: anything else is a request naming no profile (and never reaches the exporter).
        if (key.Length > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return UnknownProfile;
        if (_profiles.TryGetValue(key, out var known)) return known;
        return _profiles.Count >= MaxProfiles ? OtherProfile : _profiles.GetOrAdd(key, key);
    }

    internal static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
