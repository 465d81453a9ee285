using System.Globalization;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Policy.Names;
using Gateway.Policy.Parsing;
using Gateway.Policy.Rules;

namespace Gateway.Policy;

/// <summary>
/// One profile, parsed and compiled once (patterns, networks and OIDs are pre-parsed) and then evaluated many times.
/// Immutable and thread-safe. Create with <see cref="ProfileParser"/> or <see cref="ProfileCatalog"/>.
/// </summary>
public sealed class CompiledProfile
{
    private static readonly byte[] EmptyName = [0x30, 0x00];

    private readonly ProfileDefinition _definition;
    private readonly bool[] _protocols;
    private readonly HashSet<string> _authentication;
    private readonly string _protocolsText;
    private readonly string _authenticationText;
    private readonly string _versionText;

    internal CompiledProfile(ProfileDefinition definition, string document, string source, int version)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        _definition = definition;
        Document = document;
        Source = source;
        Version = version;
        _versionText = version.ToString(CultureInfo.InvariantCulture);
        _protocols = new bool[Enum.GetValues<EnrollmentProtocol>().Max(p => (int)p) + 1];
        foreach (var protocol in definition.Protocols)
        {
            _protocols[(int)protocol] = true;
        }

        _authentication = new HashSet<string>(definition.AuthenticationMethods, StringComparer.Ordinal);
        if (_authentication.Contains(Contracts.AuthenticationMethods.ClientCertificate))
        {
            // client-certificate (kept for existing profiles) admits both kinds a front-end tells apart.
            _authentication.Add(Contracts.AuthenticationMethods.ManufacturerCertificate);
            _authentication.Add(Contracts.AuthenticationMethods.GatewayCertificate);
        }
        _protocolsText = string.Join(", ", definition.Protocols.Select(ProtocolNames.Display));
        _authenticationText = string.Join(", ", definition.AuthenticationMethods);
    }

    public string Name => _definition.Name;

    public string Description => _definition.Description;

    /// <summary>The issuing CA's id (<c>issuer</c>, default <c>default</c>).</summary>
    public string Issuer => _definition.Issuer;

    public IReadOnlyList<EnrollmentProtocol> Protocols => _definition.Protocols;

    /// <summary>Allowed authentication methods (names from <see cref="Gateway.Contracts.AuthenticationMethods"/>).</summary>
    public IReadOnlyList<string> AuthenticationMethods => _definition.AuthenticationMethods;

    /// <summary><c>acceptsCertificatesFrom</c>: other profiles whose gateway-issued client certificates authenticate enrollments here (a profile always accepts its own).</summary>
    public IReadOnlyList<string> AcceptsCertificatesFrom => _definition.AcceptsCertificatesFrom;

    /// <summary>The profile's version (default 1); reported as <see cref="Decision.ProfileVersion"/>.</summary>
    public int Version { get; }

    /// <summary>The YAML this profile was compiled from (the whole source, or the profile's own node re-emitted when the source holds several).</summary>
    public string Document { get; }

    /// <summary>Where the profile came from (file path or the source name given to the parser).</summary>
    public string Source { get; }

    /// <summary><c>keys.allowReuse</c>: whether the caller needs to look up <see cref="PolicyFacts.KeyInUseByOtherSubject"/> at all.</summary>
    public bool AllowKeyReuse => _definition.Keys.AllowReuse;

    /// <summary>Why this profile would not issue <paramref name="name"/> (its SAN rules), or null (ACME refuses such identifiers at newOrder).</summary>
    public string? NameRefusal(SubjectAltName name) => _definition.San.Refusal(name);

    /// <summary>A renewal keeps the names of the certificate it renews (<c>renewal.keepNames</c>, default true).</summary>
    public bool KeepsNamesOnRenewal => _definition.Renewal.KeepNames;

    public bool RequiresManualApproval => _definition.ManualApproval;

    /// <summary><c>revocation.allowHold</c>: certificates of this profile may be suspended (certificateHold) and released (removeFromCRL).</summary>
    public bool AllowsCertificateHold => _definition.AllowHold;

    /// <summary><c>quotas.perRequester</c>, or null (no quota): the window the caller counts <see cref="PolicyFacts.IssuedToRequesterInWindow"/> over.</summary>
    public QuotaLimit? PerRequesterQuota => _definition.PerRequesterQuota;

    /// <summary><c>quotas.perName</c>, or null (no quota): the window the caller counts <see cref="PolicyFacts.IssuedForNameInWindow"/> over, per requested DNS name and IP address.</summary>
    public QuotaLimit? PerNameQuota => _definition.PerNameQuota;

    /// <summary><c>quotas.perProfile</c>, or null (no quota): the window the caller counts <see cref="PolicyFacts.IssuedForProfileInWindow"/> over.</summary>
    public QuotaLimit? PerProfileQuota => _definition.PerProfileQuota;

    /// <summary><c>renewal.window</c>, or null (renewal at any time).</summary>
    public TimeSpan? RenewalWindow => _definition.Renewal.Window;

    public TimeSpan DefaultLifetime => _definition.Validity.Default;

    public TimeSpan MaxLifetime => _definition.Validity.Max;

    /// <summary>The same profile with another version number.</summary>
    /// <summary>What the profile asks of a request (keys, subject attributes, EKUs), for clients that ask first.</summary>
    public ProfileRequirements Requirements => _requirements ??= ProfileRequirements.From(_definition);

    private ProfileRequirements? _requirements;

    public CompiledProfile WithVersion(int version) => new(_definition, Document, Source, version);

    public override string ToString() => $"{Name} v{Version} ({Source})";

    /// <summary>
    /// Decides a request. Every rule checked is recorded in <see cref="Decision.FiredRules"/>; the first denial gives
    /// <see cref="Decision.Reason"/>. Allowed and pending decisions carry the template to sign. Rules that need store
    /// facts (key reuse, quotas, renewal timing) run only when <paramref name="facts"/> supplies them.
    /// </summary>
    public Decision Evaluate(PolicyInput input, PolicyFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rules = new RuleRecorder();

        var protocol = input.Protocol;
        if ((uint)protocol >= (uint)_protocols.Length || !_protocols[(int)protocol])
        {
            rules.Deny("protocols", $"Protocol {ProtocolNames.Display(protocol)} is not allowed by profile {Name} (allowed: {_protocolsText})", RejectionReason.Unauthorized);
            return Denied(rules);
        }

        rules.Allow("protocols", $"Protocol {ProtocolNames.Display(protocol)} is allowed");
        var method = input.Requester.AuthenticationMethod;
        if (!_authentication.Contains(method))
        {
            rules.Deny("authentication", $"Authentication method {method} is not allowed by profile {Name} (allowed: {_authenticationText})", RejectionReason.Unauthorized);
            return Denied(rules);
        }

        rules.Allow("authentication", $"Authentication method {method} is allowed");
        _definition.Renewal.EvaluateAuthentication(input, facts, rules);
        if (rules.Denied)
        {
            return Denied(rules);
        }

        var key = _definition.Keys.Evaluate(input, facts, rules);

        var subject = _definition.Subject;
        List<KeyValuePair<string, string>>? attributes = [];
        if (NameReader.TryRead(input.Subject, attributes))
        {
            SubjectRules.CheckControlCharacters(attributes, rules);
            if (subject.NeedsAttributes)
            {
                subject.CheckAttributes(attributes, rules);
                subject.CheckCommonNameBinding(attributes, input.Requester, rules);
            }
        }
        else
        {
            attributes = null;
            if (subject.NeedsAttributes)
            {
                rules.Deny("subject", "The requested subject is not a valid DER-encoded Name", RejectionReason.BadRequest);
            }
        }

        var sans = _definition.San.Evaluate(input.SubjectAltNames, rules);
        if (subject.CommonNameMustBeSan && attributes is not null)
        {
            SubjectRules.CheckCommonNamesAreSans(attributes, sans, rules);
        }

        var copied = _definition.Extensions.EvaluateRequested(input.RequestedExtensions, rules);
        _definition.Renewal.Evaluate(input, facts, rules);
        EvaluateQuotas(input, facts, rules);

        if (rules.Denied || key is null)
        {
            return Denied(rules);
        }

        var subjectDer = input.Subject;
        if (subject.Template is { } template)
        {
            var built = template.TryBuild(LastCommonName(attributes), input.Requester, FirstDnsName(sans), out var display, out var error);
            if (built is null)
            {
                rules.Deny("subject.template", $"Subject template {template.Text} cannot be filled: {error}", RejectionReason.BadName);
                return Denied(rules);
            }

            rules.Allow("subject.template", $"Subject {display} built from template {template.Text}");
            subjectDer = built;
        }

        _definition.Renewal.EvaluateNames(subjectDer, sans, input, facts, rules);
        if (rules.Denied)
        {
            return Denied(rules);
        }

        if (sans.Count == 0 && (subjectDer.Length == 0 || subjectDer.AsSpan().SequenceEqual(EmptyName)))
        {
            rules.Deny("subject", "The certificate would have neither a subject nor a subject alternative name", RejectionReason.BadName);
            return Denied(rules);
        }

        var (notBefore, notAfter) = _definition.Validity.Compute(input.Now, rules);
        var keyUsage = _definition.Extensions.KeyUsageFor(key.Value, rules);
        if (rules.Denied)
        {
            return Denied(rules);
        }

        var certificate = new CertificateTemplate(
            Issuer,
            subjectDer,
            input.SubjectPublicKeyInfo,
            sans,
            notBefore,
            notAfter,
            keyUsage,
            _definition.Extensions.ExtendedKeyUsages,
            _definition.Extensions.CertificatePolicies,
            copied);

        if (_definition.ManualApproval)
        {
            rules.Pending("approval", $"Profile {Name} requires approval by an administrator");
            return new Decision(DecisionEffect.Pending, rules.Rules, certificate, null, _versionText);
        }

        rules.Allow("approval", "Approved automatically");
        return new Decision(DecisionEffect.Allow, rules.Rules, certificate, null, _versionText);
    }

    private void EvaluateQuotas(PolicyInput input, PolicyFacts? facts, RuleRecorder rules)
    {
        if (facts is null)
        {
            return;
        }

        if (_definition.PerRequesterQuota is { } perRequester && facts.IssuedToRequesterInWindow is { } byRequester)
        {
            var text = $"Requester {input.Requester} has {byRequester} certificate(s) issued in the last {Durations.Format(perRequester.Window)}; the quota is {perRequester.Count}";
            if (byRequester >= perRequester.Count)
            {
                rules.Deny("quotas.perRequester", text, RejectionReason.RateLimited);
            }
            else
            {
                rules.Allow("quotas.perRequester", text);
            }
        }

        if (_definition.PerNameQuota is { } perName && facts.IssuedForNameInWindow is { } byName)
        {
            var text = $"{byName.Name} has {byName.Count} certificate(s) issued in the last {Durations.Format(perName.Window)}; the quota per name is {perName.Count}";
            if (byName.Count >= perName.Count)
            {
                rules.Deny("quotas.perName", text, RejectionReason.RateLimited);
            }
            else
            {
                rules.Allow("quotas.perName", text);
            }
        }

        if (_definition.PerProfileQuota is { } perProfile && facts.IssuedForProfileInWindow is { } byProfile)
        {
            var text = $"Profile {Name} has {byProfile} certificate(s) issued in the last {Durations.Format(perProfile.Window)}; the quota is {perProfile.Count}";
            if (byProfile >= perProfile.Count)
            {
                rules.Deny("quotas.perProfile", text, RejectionReason.RateLimited);
            }
            else
            {
                rules.Allow("quotas.perProfile", text);
            }
        }
    }

    private Decision Denied(RuleRecorder rules) =>
        new(DecisionEffect.Deny, rules.Rules, null, rules.DenyReason ?? RejectionReason.PolicyDenied, _versionText);

    private static string? LastCommonName(List<KeyValuePair<string, string>>? attributes)
    {
        string? commonName = null;
        if (attributes is not null)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == SubjectAttributes.CommonName)
                {
                    commonName = attribute.Value;
                }
            }
        }

        return commonName;
    }

    private static string? FirstDnsName(IReadOnlyList<SubjectAltName> sans)
    {
        for (var i = 0; i < sans.Count; i++)
        {
            if (sans[i].Type == SubjectAltNameType.Dns)
            {
                return sans[i].Value;
            }
        }

        return null;
    }
}
