using System.Text.RegularExpressions;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Policy.Names;
using Gateway.Policy.Rules;
using YamlDotNet.RepresentationModel;

namespace Gateway.Policy.Parsing;

/// <summary>Reads one profile mapping into a <see cref="ProfileDefinition"/>, reporting every problem with its position.</summary>
internal sealed partial class ProfileReader(ParseContext context, ProfileParseOptions options)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>The definition, or null when this profile had errors; <paramref name="nameNode"/> is where its name is written.</summary>
    public ProfileDefinition? Read(YamlMappingNode node, out YamlNode? nameNode)
    {
        var errorsBefore = context.Errors.Count;
        var map = new MappingReader(context, node, string.Empty);

        nameNode = map.Required("name");
        var name = nameNode is null ? null : context.String(nameNode, "name");
        if (name is not null && !NamePattern().IsMatch(name))
        {
            context.Error(nameNode!, "name", $"'{name}' is not a valid profile name: use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
        }

        var description = map.String("description") ?? string.Empty;
        var issuer = map.String("issuer") ?? "default";
        if (map.Get("issuer") is { } issuerNode && !NamePattern().IsMatch(issuer))
        {
            context.Error(issuerNode, "issuer", $"'{issuer}' is not a valid issuer id: use letters, digits, '.', '_' and '-'");
        }

        var protocols = ReadProtocols(map);
        var authentication = ReadAuthentication(map);
        var acceptsCertificatesFrom = ReadAcceptsCertificatesFrom(map);
        var keys = ReadKeys(map);
        var subject = ReadSubject(map);
        var san = ReadSan(map);
        var validity = ReadValidity(map);
        var extensions = ReadExtensions(map);
        var renewal = ReadRenewal(map);
        var manual = ReadApproval(map);
        var allowHold = ReadRevocation(map);
        QuotaLimit? perRequester = null;
        QuotaLimit? perProfile = null;
        QuotaLimit? perName = null;
        if (map.Mapping("quotas") is { } quotas)
        {
            perRequester = ReadQuota(quotas, "perRequester");
            perProfile = ReadQuota(quotas, "perProfile");
            perName = ReadQuota(quotas, "perName");
            quotas.Done();
        }

        map.Done();
        if (context.Errors.Count > errorsBefore)
        {
            return null;
        }

        return new ProfileDefinition
        {
            Name = name!,
            Description = description,
            Issuer = issuer,
            Protocols = protocols!,
            AuthenticationMethods = authentication!,
            AcceptsCertificatesFrom = acceptsCertificatesFrom!,
            Keys = keys!,
            Subject = subject!,
            San = san!,
            Validity = validity!,
            Extensions = extensions!,
            Renewal = renewal!,
            ManualApproval = manual,
            AllowHold = allowHold,
            PerRequesterQuota = perRequester,
            PerNameQuota = perName,
            PerProfileQuota = perProfile,
        };
    }

    private List<EnrollmentProtocol>? ReadProtocols(MappingReader map)
    {
        if (map.Required("protocols") is not { } node || context.List(node, "protocols") is not { } items)
        {
            return null;
        }

        var result = new List<EnrollmentProtocol>();
        foreach (var item in items)
        {
            if (!ProtocolNames.TryGetProtocol(item.Value, out var protocol))
            {
                context.Error(item.Node, item.Field, $"unknown protocol '{item.Value}' (known: {ProtocolNames.KnownProtocols})");
            }
            else if (!result.Contains(protocol))
            {
                result.Add(protocol);
            }
        }

        if (items.Count == 0)
        {
            context.Error(node, "protocols", "must name at least one protocol");
        }

        return result;
    }

    private List<string>? ReadAuthentication(MappingReader map)
    {
        if (map.Required("authentication") is not { } node || context.List(node, "authentication") is not { } items)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in items)
        {
            var method = item.Value.ToLowerInvariant();
            if (!ProtocolNames.IsAuthenticationMethod(method))
            {
                context.Error(item.Node, item.Field, $"unknown authentication method '{item.Value}' (known: {ProtocolNames.KnownAuthenticationMethods})");
            }
            else if (!result.Contains(method))
            {
                result.Add(method);
            }
        }

        if (items.Count == 0)
        {
            context.Error(node, "authentication", "must name at least one authentication method");
        }

        return result;
    }

    /// <summary><c>acceptsCertificatesFrom</c>: other profiles whose gateway-issued client certificates authenticate here (default: none, own profile only).</summary>
    private List<string>? ReadAcceptsCertificatesFrom(MappingReader map)
    {
        if (map.Get("acceptsCertificatesFrom") is not { } node)
        {
            return [];
        }

        if (context.List(node, "acceptsCertificatesFrom") is not { } items)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in items)
        {
            if (!NamePattern().IsMatch(item.Value))
            {
                context.Error(item.Node, item.Field, $"'{item.Value}' is not a valid profile name: use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
            }
            else if (!result.Contains(item.Value))
            {
                result.Add(item.Value);
            }
        }

        return result;
    }

    private KeyRules? ReadKeys(MappingReader profile)
    {
        if (!profile.Has("keys"))
        {
            return KeyRules.Default;
        }

        if (profile.Get("keys") is not { } node)
        {
            return KeyRules.Default;
        }

        if (context.Mapping(node, "keys") is not { } map)
        {
            return null;
        }

        var allowReuse = map.Bool("allowReuse") ?? false;
        var anyAlgorithm = map.Has("rsa") | map.Has("ec") | map.Has("ed25519");
        if (!anyAlgorithm)
        {
            map.Done();
            return new KeyRules
            {
                RsaAllowed = KeyRules.Default.RsaAllowed,
                RsaMinBits = KeyRules.Default.RsaMinBits,
                RsaMaxBits = KeyRules.Default.RsaMaxBits,
                Curves = KeyRules.Default.Curves,
                CurvesText = KeyRules.Default.CurvesText,
                Ed25519 = KeyRules.Default.Ed25519,
                AllowReuse = allowReuse,
            };
        }

        var rsaAllowed = map.Has("rsa");
        int minBits = 2048, maxBits = 8192;
        if (map.Get("rsa") is { } rsaNode && context.Mapping(rsaNode, "keys.rsa") is { } rsa)
        {
            minBits = rsa.Int("minBits", 1024, 16384) ?? minBits;
            maxBits = rsa.Int("maxBits", 1024, 16384) ?? maxBits;
            if (minBits > maxBits)
            {
                context.Error(rsa.Get("minBits") ?? rsaNode, "keys.rsa.minBits", $"minBits {minBits} is above maxBits {maxBits}");
            }

            rsa.Done();
        }

        var curves = new HashSet<string>(StringComparer.Ordinal);
        var curveNames = new List<string>();
        if (map.List("ec") is { } ecItems)
        {
            foreach (var item in ecItems)
            {
                if (!CurveNames.TryGetAllowableOid(item.Value, out var oid))
                {
                    context.Error(item.Node, item.Field, $"unknown or unsupported curve '{item.Value}' (supported: {CurveNames.Known})");
                }
                else if (curves.Add(oid))
                {
                    curveNames.Add(CurveNames.Display(oid));
                }
            }
        }

        var ed25519 = map.Bool("ed25519") ?? false;
        map.Done();
        return new KeyRules
        {
            RsaAllowed = rsaAllowed,
            RsaMinBits = minBits,
            RsaMaxBits = maxBits,
            Curves = curves,
            CurvesText = curveNames.Count == 0 ? "none" : string.Join(", ", curveNames),
            Ed25519 = ed25519,
            AllowReuse = allowReuse,
        };
    }

    private SubjectRules? ReadSubject(MappingReader profile)
    {
        if (profile.Get("subject") is not { } node)
        {
            return SubjectRules.None;
        }

        if (context.Mapping(node, "subject") is not { } map)
        {
            return null;
        }

        var required = Attributes(map, "required");
        var forbidden = Attributes(map, "forbidden");
        var allowed = Attributes(map, "allowed");
        SubjectTemplate? template = null;
        if (map.Get("template") is { } templateNode && context.String(templateNode, "subject.template") is { } text)
        {
            template = SubjectTemplate.TryParse(text, out var error);
            if (template is null)
            {
                context.Error(templateNode, "subject.template", $"'{text}' is not a valid subject template: {error}");
            }
        }

        var commonNameMustBeSan = map.Bool("commonNameMustBeSan") ?? false;
        var bindCommonName = ReadCommonNameBinding(map);
        map.Done();

        if (required is not null && forbidden is not null)
        {
            foreach (var oid in required.Keys)
            {
                if (forbidden.TryGetValue(oid, out var item))
                {
                    context.Error(item.Node, item.Field, $"{SubjectAttributes.Display(oid)} is both required and forbidden");
                }
            }
        }

        HashSet<string>? allowedSet = null;
        if (allowed is not null)
        {
            allowedSet = new HashSet<string>(allowed.Keys, StringComparer.Ordinal);
            allowedSet.UnionWith(required?.Keys ?? Enumerable.Empty<string>());
        }

        return new SubjectRules
        {
            Required = required is null ? [] : [.. required.Keys],
            Forbidden = forbidden is null ? null : new HashSet<string>(forbidden.Keys, StringComparer.Ordinal),
            Allowed = allowedSet,
            Template = template,
            CommonNameMustBeSan = commonNameMustBeSan,
            BindCommonName = bindCommonName,
        };
    }

    /// <summary>
    /// <c>subject.bindCommonName</c>: a mapping from authentication method to the value the CN must have, written with
    /// the identity's placeholders (<c>{clientCert.cn}</c>, <c>{clientCert.serialNumber}</c>, <c>{credential.subject}</c>,
    /// <c>{principal}</c>) and literal text. Methods not named are not bound.
    /// </summary>
    private Dictionary<string, CommonNameBinding>? ReadCommonNameBinding(MappingReader map)
    {
        const string Field = "subject.bindCommonName";
        if (map.Get("bindCommonName") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, Field, $"expected a mapping from authentication method to a value such as '{{clientCert.cn}}', found {ParseContext.Describe(node)}");
            return null;
        }

        var result = new Dictionary<string, CommonNameBinding>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var method = (keyNode as YamlScalarNode)?.Value?.ToLowerInvariant() ?? string.Empty;
            var field = $"{Field}.{method}";
            if (!ProtocolNames.IsAuthenticationMethod(method))
            {
                context.Error(keyNode, field, $"unknown authentication method '{method}' (known: {ProtocolNames.KnownAuthenticationMethods})");
                continue;
            }

            if (context.String(valueNode, field) is not { } text)
            {
                continue;
            }

            var parts = SubjectTemplate.ParseValue(text, out var error);
            if (parts is null || parts.Length == 0)
            {
                context.Error(valueNode, field, $"'{text}' is not a valid value: {(parts is null ? error : "it is empty")}");
                continue;
            }

            if (parts.Any(p => p.Variable is TemplateVariable.CommonName or TemplateVariable.Dns))
            {
                context.Error(valueNode, field, $"'{text}' binds the CN to the request itself; use the caller's identity: {{clientCert.cn}}, {{clientCert.serialNumber}}, {{credential.subject}} or {{principal}}");
                continue;
            }

            result[method] = new CommonNameBinding(text, parts);
        }

        return result;
    }

    private Dictionary<string, ListItem>? Attributes(MappingReader map, string key)
    {
        if (map.List(key) is not { } items)
        {
            return null;
        }

        var result = new Dictionary<string, ListItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (SubjectAttributes.TryGetOid(item.Value, out var oid))
            {
                result.TryAdd(oid, item);
            }
            else
            {
                context.Error(item.Node, item.Field, $"unknown subject attribute '{item.Value}' (known: {SubjectAttributes.KnownNames}, or a dotted OID)");
            }
        }

        return result;
    }

    private SanRules? ReadSan(MappingReader profile)
    {
        if (profile.Get("san") is not { } node)
        {
            return SanRules.None;
        }

        if (context.Mapping(node, "san") is not { } map)
        {
            return null;
        }

        DnsPatternSet? dnsAllow = null;
        var dnsDeny = DnsPatternSet.Empty;
        var wildcards = false;
        if (map.Mapping("dns") is { } dns)
        {
            dnsAllow = Patterns(dns, "allow", DnsPatternSet.Validate, p => new DnsPatternSet(p)) ?? DnsPatternSet.Empty;
            dnsDeny = Patterns(dns, "deny", DnsPatternSet.Validate, p => new DnsPatternSet(p)) ?? DnsPatternSet.Empty;
            wildcards = dns.Bool("wildcardCertificates") ?? false;
            dns.Done();
        }

        IpRangeSet? ipAllow = null;
        var ipDeny = IpRangeSet.Empty;
        if (map.Mapping("ip") is { } ip)
        {
            ipAllow = Networks(ip, "allow");
            ipDeny = Networks(ip, "deny");
            ip.Done();
        }

        EmailPatternSet? emailAllow = null;
        var emailDeny = EmailPatternSet.Empty;
        if (map.Mapping("email") is { } email)
        {
            emailAllow = Patterns(email, "allow", EmailPatternSet.Validate, p => new EmailPatternSet(p)) ?? EmailPatternSet.Empty;
            emailDeny = Patterns(email, "deny", EmailPatternSet.Validate, p => new EmailPatternSet(p)) ?? EmailPatternSet.Empty;
            email.Done();
        }

        EmailPatternSet? upnAllow = null;
        var upnDeny = EmailPatternSet.Empty;
        if (map.Mapping("upn") is { } upn)
        {
            upnAllow = Patterns(upn, "allow", EmailPatternSet.Validate, p => new EmailPatternSet(p)) ?? EmailPatternSet.Empty;
            upnDeny = Patterns(upn, "deny", EmailPatternSet.Validate, p => new EmailPatternSet(p)) ?? EmailPatternSet.Empty;
            upn.Done();
        }

        UriPatternSet? uriAllow = null;
        var uriDeny = UriPatternSet.Empty;
        if (map.Mapping("uri") is { } uri)
        {
            uriAllow = Patterns(uri, "allow", UriPatternSet.Validate, p => new UriPatternSet(p)) ?? UriPatternSet.Empty;
            uriDeny = Patterns(uri, "deny", UriPatternSet.Validate, p => new UriPatternSet(p)) ?? UriPatternSet.Empty;
            uri.Done();
        }

        var maxCount = map.Int("maxCount", 0, 10000) ?? 100;
        var drop = false;
        if (map.Get("onDisallowed") is { } onDisallowed && context.String(onDisallowed, "san.onDisallowed") is { } mode)
        {
            switch (mode)
            {
                case "refuse":
                    break;
                case "drop":
                    drop = true;
                    break;
                default:
                    context.Error(onDisallowed, "san.onDisallowed", $"'{mode}' is not an option: use refuse or drop");
                    break;
            }
        }

        var required = map.Bool("required") ?? false;
        map.Done();
        return new SanRules
        {
            DnsAllow = dnsAllow,
            DnsDeny = dnsDeny,
            WildcardCertificates = wildcards,
            IpAllow = ipAllow,
            IpDeny = ipDeny,
            EmailAllow = emailAllow,
            EmailDeny = emailDeny,
            UpnAllow = upnAllow,
            UpnDeny = upnDeny,
            UriAllow = uriAllow,
            UriDeny = uriDeny,
            MaxCount = maxCount,
            DropDisallowed = drop,
            Required = required,
        };
    }

    private T? Patterns<T>(MappingReader map, string key, Func<string, string?> validate, Func<IEnumerable<string>, T> build)
        where T : class
    {
        if (map.List(key) is not { } items)
        {
            return null;
        }

        var good = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (validate(item.Value) is { } problem)
            {
                context.Error(item.Node, item.Field, problem);
            }
            else
            {
                good.Add(item.Value);
            }
        }

        return build(good);
    }

    private IpRangeSet Networks(MappingReader map, string key)
    {
        if (map.List(key) is not { } items)
        {
            return IpRangeSet.Empty;
        }

        var networks = new List<IpNetwork>(items.Count);
        foreach (var item in items)
        {
            if (IpNetwork.TryParse(item.Value, out var error) is { } network)
            {
                networks.Add(network);
            }
            else
            {
                context.Error(item.Node, item.Field, error);
            }
        }

        return new IpRangeSet(networks);
    }

    private ValidityRules? ReadValidity(MappingReader profile)
    {
        if (profile.Get("validity") is not { } node)
        {
            return ValidityRules.Standard;
        }

        if (context.Mapping(node, "validity") is not { } map)
        {
            return null;
        }

        var lifetime = map.Duration("default");
        var max = map.Duration("max");
        var backdate = map.Duration("backdate", allowZero: true) ?? TimeSpan.Zero;
        map.Done();
        if (lifetime is { } d && max is { } m && d > m)
        {
            context.Error(map.Get("default")!, "validity.default", $"default {Durations.Format(d)} is longer than max {Durations.Format(m)}");
        }

        if (backdate > TimeSpan.FromDays(1))
        {
            context.Error(map.Get("backdate")!, "validity.backdate", "must be at most 1d");
        }

        var resolvedDefault = lifetime ?? max ?? ValidityRules.Standard.Default;
        return new ValidityRules { Default = resolvedDefault, Max = max ?? resolvedDefault, Backdate = backdate };
    }

    private ExtensionRules? ReadExtensions(MappingReader profile)
    {
        if (profile.Get("extensions") is not { } node)
        {
            return ExtensionRules.Default;
        }

        if (context.Mapping(node, "extensions") is not { } map)
        {
            return null;
        }

        var keyUsage = ExtensionRules.Default.KeyUsage;
        if (map.Has("keyUsage"))
        {
            keyUsage = 0;
            foreach (var item in map.List("keyUsage") ?? [])
            {
                if (KeyUsageNames.TryGet(item.Value, out var flag))
                {
                    keyUsage |= flag;
                }
                else if (KeyUsageNames.IsCaOnly(item.Value))
                {
                    context.Error(item.Node, item.Field, $"'{item.Value}' is for CA certificates; this gateway issues end-entity certificates only");
                }
                else
                {
                    context.Error(item.Node, item.Field, $"unknown key usage '{item.Value}' (known: {KeyUsageNames.Known})");
                }
            }
        }

        var ekus = new List<string>();
        foreach (var item in map.List("extendedKeyUsage") ?? [])
        {
            if (!ExtendedKeyUsageNames.TryGetOid(item.Value, out var oid))
            {
                context.Error(item.Node, item.Field, $"unknown extended key usage '{item.Value}' (known: {ExtendedKeyUsageNames.Known})");
            }
            else if (oid == ExtendedKeyUsageNames.OcspSigning)
            {
                context.Error(item.Node, item.Field, $"extended key usage '{item.Value}' is never granted to end-entity certificates: one issued " +
                    "by the CA could sign OCSP responses (\"good\" for revoked certificates) for every certificate of that CA " +
                    $"({ProfileParseOptions.AllowSensitiveExtendedKeyUsagesOption} cannot allow it)");
            }
            else if (ExtendedKeyUsageNames.IsSensitive(oid) && !options.Allows(oid))
            {
                context.Error(item.Node, item.Field, $"extended key usage '{item.Value}' ({oid}) is sensitive and not allowed on this gateway; " +
                    $"only the operator can allow it, in the configuration option {ProfileParseOptions.AllowSensitiveExtendedKeyUsagesOption}");
            }
            else if (!ekus.Contains(oid))
            {
                ekus.Add(oid);
            }
        }

        var policies = new List<string>();
        foreach (var item in map.List("certificatePolicies") ?? [])
        {
            if (!Oids.IsValid(item.Value))
            {
                context.Error(item.Node, item.Field, $"'{item.Value}' is not an OID (dotted decimal such as 2.23.140.1.2.1)");
            }
            else if (!policies.Contains(item.Value))
            {
                policies.Add(item.Value);
            }
        }

        var mode = RequestedExtensionMode.Ignore;
        var modeNode = map.Get("requested");
        if (modeNode is not null && context.String(modeNode, "extensions.requested") is { } modeText)
        {
            switch (modeText)
            {
                case "ignore":
                    break;
                case "copy":
                    mode = RequestedExtensionMode.Copy;
                    break;
                case "refuse":
                    mode = RequestedExtensionMode.Refuse;
                    break;
                default:
                    context.Error(modeNode, "extensions.requested", $"'{modeText}' is not an option: use copy, refuse or ignore");
                    break;
            }
        }

        var copyAllowed = new HashSet<string>(StringComparer.Ordinal);
        var copyNode = map.Get("copyAllowed");
        foreach (var item in map.List("copyAllowed") ?? [])
        {
            if (!Oids.IsValid(item.Value))
            {
                context.Error(item.Node, item.Field, $"'{item.Value}' is not an OID (dotted decimal)");
            }
            else if (ProfileOwnedExtensions.CaControlled.Contains(item.Value))
            {
                context.Error(item.Node, item.Field, $"extension {item.Value} is set by the profile or the CA and can never be copied from a request");
            }
            else
            {
                copyAllowed.Add(item.Value);
            }
        }

        if (copyNode is not null && mode != RequestedExtensionMode.Copy)
        {
            context.Error(copyNode, "extensions.copyAllowed", "has no effect unless requested is copy");
        }
        else if (mode == RequestedExtensionMode.Copy && copyNode is null)
        {
            context.Error(modeNode!, "extensions.requested", "copy needs copyAllowed: the OIDs of the extensions that may be copied");
        }

        map.Done();
        return new ExtensionRules
        {
            KeyUsage = keyUsage,
            ExtendedKeyUsages = [.. ekus],
            CertificatePolicies = [.. policies],
            Requested = mode,
            CopyAllowed = copyAllowed,
        };
    }

    private RenewalRules? ReadRenewal(MappingReader profile)
    {
        if (profile.Get("renewal") is not { } node)
        {
            return RenewalRules.Default;
        }

        if (context.Mapping(node, "renewal") is not { } map)
        {
            return null;
        }

        var rules = new RenewalRules
        {
            Window = map.Duration("window"),
            RequireNewKey = map.Bool("requireNewKey") ?? false,
            AllowReenrollWithCurrentCert = map.Bool("allowReenrollWithCurrentCert") ?? true,
            KeepNames = map.Bool("keepNames") ?? true,
        };
        map.Done();
        return rules;
    }

    /// <summary><c>revocation: {allowHold: bool}</c>; absent: no holds.</summary>
    private bool ReadRevocation(MappingReader profile)
    {
        if (profile.Get("revocation") is not { } node)
        {
            return false;
        }

        if (context.Mapping(node, "revocation") is not { } map)
        {
            return false;
        }

        var allowHold = map.Bool("allowHold") ?? false;
        map.Done();
        return allowHold;
    }

    private bool ReadApproval(MappingReader profile)
    {
        if (profile.Get("approval") is not { } node || context.String(node, "approval") is not { } text)
        {
            return false;
        }

        switch (text)
        {
            case "automatic":
                return false;
            case "manual":
                return true;
            default:
                context.Error(node, "approval", $"'{text}' is not an option: use automatic or manual");
                return false;
        }
    }

    private QuotaLimit? ReadQuota(MappingReader quotas, string key)
    {
        if (quotas.Mapping(key) is not { } map)
        {
            return null;
        }

        var countNode = map.Required("count");
        var windowNode = map.Required("window");
        var count = countNode is null ? null : context.Int(countNode, map.Field("count"), 1, 100_000_000);
        var window = windowNode is null ? null : context.Duration(windowNode, map.Field("window"), allowZero: false);
        map.Done();
        return count is { } c && window is { } w ? new QuotaLimit(c, w) : null;
    }
}
