using Gateway.Contracts;
using Gateway.Policy.Rules;

namespace Gateway.Policy;

/// <summary>Everything a profile says, compiled (patterns, networks, OIDs parsed); produced by the parser, consumed by <see cref="CompiledProfile"/>.</summary>
internal sealed class ProfileDefinition
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required string Issuer { get; init; }

    public required IReadOnlyList<EnrollmentProtocol> Protocols { get; init; }

    public required IReadOnlyList<string> AuthenticationMethods { get; init; }

    /// <summary><c>acceptsCertificatesFrom</c>: other profiles whose gateway-issued client certificates authenticate enrollments here.</summary>
    public IReadOnlyList<string> AcceptsCertificatesFrom { get; init; } = [];

    public required KeyRules Keys { get; init; }

    public required SubjectRules Subject { get; init; }

    public required SanRules San { get; init; }

    public required ValidityRules Validity { get; init; }

    public required ExtensionRules Extensions { get; init; }

    public required RenewalRules Renewal { get; init; }

    public required bool ManualApproval { get; init; }

    /// <summary><c>revocation.allowHold</c>: whether certificates of this profile may be put on certificateHold (and released).</summary>
    public bool AllowHold { get; init; }

    public QuotaLimit? PerRequesterQuota { get; init; }

    /// <summary><c>quotas.perName</c>: certificates per DNS name or IP address in the window (an ACME-style rate limit per identifier).</summary>
    public QuotaLimit? PerNameQuota { get; init; }

    public QuotaLimit? PerProfileQuota { get; init; }
}
