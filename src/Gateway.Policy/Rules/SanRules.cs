using Gateway.Contracts;

namespace Gateway.Policy.Rules;

/// <summary>
/// Compiled <c>san</c> section. A type without a section allows no names of that type; deny lists win over allow lists;
/// a disallowed name either refuses the request or is dropped (<c>onDisallowed</c>).
/// </summary>
internal sealed class SanRules
{
    public DnsPatternSet? DnsAllow { get; init; }

    public DnsPatternSet DnsDeny { get; init; } = DnsPatternSet.Empty;

    public bool WildcardCertificates { get; init; }

    public IpRangeSet? IpAllow { get; init; }

    public IpRangeSet IpDeny { get; init; } = IpRangeSet.Empty;

    public EmailPatternSet? EmailAllow { get; init; }

    public EmailPatternSet EmailDeny { get; init; } = EmailPatternSet.Empty;

    /// <summary><c>san.upn.allow</c>: user principal names as <c>user@domain</c> patterns (null: none allowed).</summary>
    public EmailPatternSet? UpnAllow { get; init; }

    public EmailPatternSet UpnDeny { get; init; } = EmailPatternSet.Empty;

    public UriPatternSet? UriAllow { get; init; }

    public UriPatternSet UriDeny { get; init; } = UriPatternSet.Empty;

    public int MaxCount { get; init; } = 100;

    public bool DropDisallowed { get; init; }

    public bool Required { get; init; }

    public static SanRules None { get; } = new();

    /// <summary>Checks every name; returns the names to issue (the input list itself when nothing was dropped).</summary>
    public IReadOnlyList<SubjectAltName> Evaluate(IReadOnlyList<SubjectAltName> names, RuleRecorder rules)
    {
        if (names.Count > MaxCount)
        {
            rules.Deny("san.maxCount", $"The request has {names.Count} subject alternative names; at most {MaxCount} are allowed", RejectionReason.BadName);
        }
        else if (names.Count > 0)
        {
            rules.Allow("san.maxCount", $"The request has {names.Count} subject alternative name(s); at most {MaxCount} are allowed");
        }

        List<SubjectAltName>? kept = null;
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (NameText.IndexOfControl(name.Value) is var at and >= 0)
            {
                // Never dropped quietly: a request carrying one is malformed, not merely outside the profile.
                rules.Deny("san.controlCharacters", $"{Describe(name)} contains the control character U+{(int)name.Value[at]:X4} at position {at + 1}",
                    RejectionReason.BadRequest);
                continue;
            }

            var (rule, problem, match) = Check(name);
            if (problem is null)
            {
                rules.Allow(rule, $"{Describe(name)} matches {match}");
                var issued = Issued(name);
                if (kept is null && !ReferenceEquals(issued, name))
                {
                    kept = [.. names.Take(i)];
                }

                kept?.Add(issued);
                continue;
            }

            if (rule is "san.email" or "san.uri")
            {
                // Syntax the CA cannot encode: refused as a bad request whatever onDisallowed says.
                rules.Deny(rule, $"{Describe(name)} {problem}", RejectionReason.BadRequest);
                continue;
            }

            if (DropDisallowed)
            {
                rules.Allow("san.onDisallowed", $"Dropped {Describe(name)}: {problem} ({rule})");
                if (kept is null)
                {
                    kept = new List<SubjectAltName>(names.Count);
                    for (var j = 0; j < i; j++)
                    {
                        kept.Add(names[j]);
                    }
                }
            }
            else
            {
                rules.Deny(rule, $"{Describe(name)} {problem}", RejectionReason.BadName);
            }
        }

        IReadOnlyList<SubjectAltName> result = kept is null ? names : kept;
        if (Required)
        {
            if (result.Count == 0)
            {
                rules.Deny("san.required", "At least one subject alternative name is required", RejectionReason.BadName);
            }
            else
            {
                rules.Allow("san.required", $"The certificate carries {result.Count} subject alternative name(s)");
            }
        }

        return result;
    }

    /// <summary>
    /// Why the profile would not issue <paramref name="name"/> ("rule: problem"), or null when it would. A name
    /// <c>onDisallowed: drop</c> would drop counts as refused: the caller asked for exactly this name.
    /// </summary>
    public string? Refusal(SubjectAltName name)
    {
        if (NameText.IndexOfControl(name.Value) >= 0) return "san.controlCharacters: contains a control character";
        var (rule, problem, _) = Check(name);
        return problem is null ? null : $"{rule}: {Describe(name)} {problem}";
    }

    /// <summary>The name as issued: a DNS name without its trailing root dot (matched without it, so issued without it).</summary>
    private static SubjectAltName Issued(SubjectAltName name)
    {
        if (name.Type != SubjectAltNameType.Dns)
        {
            return name;
        }

        var normalized = DnsName.Normalize(name.Value);
        return normalized.Length == name.Value.Length ? name : SubjectAltName.Dns(normalized.ToString());
    }

    private (string Rule, string? Problem, string? Match) Check(SubjectAltName name) => name.Type switch
    {
        SubjectAltNameType.Dns => CheckDns(name.Value),
        SubjectAltNameType.Ip => CheckIp(name.Value),
        SubjectAltNameType.Email => CheckEmail(name.Value),
        SubjectAltNameType.Uri => CheckUri(name.Value),
        SubjectAltNameType.Upn => CheckUpn(name.Value),
        _ => ("san.other", "is of a type this gateway never issues", null),
    };

    private (string, string?, string?) CheckDns(string value)
    {
        var name = DnsName.Normalize(value);
        if (!DnsName.IsValid(name, allowWildcard: true))
        {
            return ("san.dns", "is not a valid DNS name", null);
        }

        if (DnsName.IsWildcard(name) && !WildcardCertificates)
        {
            return ("san.dns.wildcardCertificates", "is a wildcard name and wildcard certificates are not allowed", null);
        }

        if (DnsDeny.MatchCovering(name) is { } denied)
        {
            return ("san.dns.deny", $"matches denied pattern {denied}", null);
        }

        if (DnsAllow is null)
        {
            return ("san.dns.allow", "is not allowed: this profile allows no DNS names", null);
        }

        return DnsAllow.Match(name) is { } allowed
            ? ("san.dns.allow", null, allowed)
            : ("san.dns.allow", "matches no allowed pattern", null);
    }

    private (string, string?, string?) CheckIp(string value)
    {
        Span<byte> buffer = stackalloc byte[16];
        var address = IpRangeSet.ParseAddress(value, buffer);
        if (address.IsEmpty)
        {
            return ("san.ip", "is not a valid IP address", null);
        }

        if (IpDeny.Match(address) is { } denied)
        {
            return ("san.ip.deny", $"is in denied range {denied}", null);
        }

        if (IpAllow is null)
        {
            return ("san.ip.allow", "is not allowed: this profile allows no IP addresses", null);
        }

        return IpAllow.Match(address) is { } allowed
            ? ("san.ip.allow", null, allowed)
            : ("san.ip.allow", "is in no allowed range", null);
    }

    private (string, string?, string?) CheckEmail(string value)
    {
        if (!EmailPatternSet.TrySplit(value, out var local, out var domain))
        {
            return ("san.email", "is not a valid e-mail address (one '@', printable ASCII without spaces, a valid domain)", null);
        }

        if (EmailDeny.Match(local, domain) is { } denied)
        {
            return ("san.email.deny", $"matches denied pattern {denied}", null);
        }

        if (EmailAllow is null)
        {
            return ("san.email.allow", "is not allowed: this profile allows no e-mail addresses", null);
        }

        return EmailAllow.Match(local, domain) is { } allowed
            ? ("san.email.allow", null, allowed)
            : ("san.email.allow", "matches no allowed pattern", null);
    }

    private (string, string?, string?) CheckUpn(string value)
    {
        if (!EmailPatternSet.TrySplit(value, out var local, out var domain))
        {
            return ("san.upn", "is not a valid user principal name (user@domain: one '@', printable ASCII without spaces, a valid domain)", null);
        }

        if (UpnDeny.Match(local, domain) is { } denied)
        {
            return ("san.upn.deny", $"matches denied pattern {denied}", null);
        }

        if (UpnAllow is null)
        {
            return ("san.upn.allow", "is not allowed: this profile allows no user principal names", null);
        }

        return UpnAllow.Match(local, domain) is { } allowed
            ? ("san.upn.allow", null, allowed)
            : ("san.upn.allow", "matches no allowed pattern", null);
    }

    private (string, string?, string?) CheckUri(string value)
    {
        if (!UriPatternSet.IsAcceptable(value))
        {
            return ("san.uri", "is not an acceptable URI (an absolute URI of printable ASCII: scheme required; no spaces, backslashes or dot segments)", null);
        }

        // The gateway's own namespace (cluster TLS: urn:gateway:cluster:<service>:<cluster>); URN NIDs are case-insensitive.
        if (value.StartsWith("urn:gateway:", StringComparison.OrdinalIgnoreCase))
        {
            return ("san.uri.reserved", "is in the urn:gateway: namespace, reserved for the gateway's own certificates", null);
        }

        if (UriDeny.Match(value) is { } denied)
        {
            return ("san.uri.deny", $"matches denied pattern {denied}", null);
        }

        if (UriAllow is null)
        {
            return ("san.uri.allow", "is not allowed: this profile allows no URIs", null);
        }

        return UriAllow.Match(value) is { } allowed
            ? ("san.uri.allow", null, allowed)
            : ("san.uri.allow", "matches no allowed pattern", null);
    }

    private static string Describe(SubjectAltName name) => name.Type switch
    {
        SubjectAltNameType.Dns => "DNS name " + name.Value,
        SubjectAltNameType.Ip => "IP address " + name.Value,
        SubjectAltNameType.Email => "E-mail address " + name.Value,
        SubjectAltNameType.Uri => "URI " + name.Value,
        SubjectAltNameType.Upn => "User principal name " + name.Value,
        _ => "Name " + name.Value,
    };
}
