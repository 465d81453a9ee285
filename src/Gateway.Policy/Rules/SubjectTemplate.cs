using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Policy.Names;

namespace Gateway.Policy.Rules;

/// <summary>
/// A subject template such as <c>CN={cn},O=Gateway Devices</c>: RDNs written most-specific first (as in RFC 4514),
/// separated by commas (<c>\,</c> for a literal comma), values literal or with <c>{cn}</c>, <c>{principal}</c>, <c>{dns}</c>,
/// and the authenticated identity's <c>{clientCert.cn}</c>, <c>{clientCert.serialNumber}</c>, <c>{credential.subject}</c>.
/// </summary>
internal sealed class SubjectTemplate
{
    private readonly Rdn[] _rdns;

    private SubjectTemplate(string text, Rdn[] rdns)
    {
        Text = text;
        _rdns = rdns;
        foreach (var rdn in rdns)
        {
            foreach (var part in rdn.Parts)
            {
                UsesCommonName |= part.Variable == TemplateVariable.CommonName;
            }
        }
    }

    public string Text { get; }

    public bool UsesCommonName { get; }

    public static SubjectTemplate? TryParse(string text, out string error)
    {
        error = string.Empty;
        var rdns = new List<Rdn>();
        foreach (var component in SplitUnescaped(text, ','))
        {
            var eq = component.IndexOf('=');
            if (eq <= 0)
            {
                error = $"'{component.Trim()}' is not ATTRIBUTE=value";
                return null;
            }

            var name = component[..eq].Trim();
            if (!SubjectAttributes.TryGetOid(name, out var oid))
            {
                error = $"unknown attribute '{name}' (known: {SubjectAttributes.KnownNames}, or a dotted OID)";
                return null;
            }

            var parts = ParseValue(component[(eq + 1)..].Trim(), out error);
            if (parts is null)
            {
                return null;
            }

            if (parts.Length == 0)
            {
                error = $"attribute {name} has an empty value";
                return null;
            }

            if (oid == SubjectAttributes.Country && parts is [{ Variable: TemplateVariable.None, Literal: var country }] &&
                (country.Length != 2 || !char.IsAsciiLetter(country[0]) || !char.IsAsciiLetter(country[1])))
            {
                error = $"country must be a two-letter code, not '{country}'";
                return null;
            }

            rdns.Add(new Rdn(oid, SubjectAttributes.Display(oid), parts));
        }

        if (rdns.Count == 0)
        {
            error = "the template is empty";
            return null;
        }

        return new SubjectTemplate(text, [.. rdns]);
    }

    /// <summary>Builds the subject DER; null and an error text when a placeholder has no value or a value does not fit its attribute.</summary>
    public byte[]? TryBuild(string? commonName, Requester requester, string? dns, out string display, out string error)
    {
        display = string.Empty;
        error = string.Empty;
        var builder = new X500DistinguishedNameBuilder();
        foreach (var rdn in _rdns)
        {
            if (Fill(rdn.Parts, commonName, requester, dns, out error) is not { } v)
            {
                return null;
            }

            try
            {
                switch (rdn.Oid)
                {
                    case SubjectAttributes.Country:
                        builder.AddCountryOrRegion(v);
                        break;
                    case SubjectAttributes.EmailAddress:
                        builder.AddEmailAddress(v);
                        break;
                    case SubjectAttributes.DomainComponent:
                        builder.AddDomainComponent(v);
                        break;
                    default:
                        builder.Add(rdn.Oid, v);
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                error = $"the value for {rdn.Display} does not fit the attribute ({e.Message})";
                return null;
            }
        }

        var name = builder.Build();
        display = name.Name;
        return name.RawData;
    }

    /// <summary>The value of a parsed template value for this request; null and an error naming the placeholder without a value.</summary>
    public static string? Fill(Part[] parts, string? commonName, Requester requester, string? dns, out string error)
    {
        error = string.Empty;
        var value = new StringBuilder();
        foreach (var part in parts)
        {
            var text = part.Variable switch
            {
                TemplateVariable.CommonName => commonName,
                TemplateVariable.Principal => requester.Principal,
                TemplateVariable.Dns => dns,
                TemplateVariable.ClientCertCommonName => requester.Claim(RequesterClaims.ClientCertificateCommonName),
                TemplateVariable.ClientCertSerialNumber => requester.Claim(RequesterClaims.ClientCertificateSerialNumber),
                TemplateVariable.CredentialSubject => requester.Claim(RequesterClaims.CredentialSubject),
                _ => part.Literal,
            };
            if (string.IsNullOrEmpty(text))
            {
                error = part.Variable switch
                {
                    TemplateVariable.CommonName => "the request has no CN to fill {cn}",
                    TemplateVariable.Dns => "the request has no DNS name to fill {dns}",
                    TemplateVariable.ClientCertCommonName => "the requester did not authenticate with a client certificate that has a CN ({clientCert.cn})",
                    TemplateVariable.ClientCertSerialNumber => "the requester did not authenticate with a client certificate whose subject has a serialNumber ({clientCert.serialNumber})",
                    TemplateVariable.CredentialSubject => "the requester did not authenticate with a credential bound to exactly one subject ({credential.subject})",
                    _ => "the requester has no principal to fill {principal}",
                };
                return null;
            }

            value.Append(text);
        }

        return value.ToString();
    }

    private static List<string> SplitUnescaped(string text, char separator)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (text[i] == separator)
            {
                result.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        if (current.Length > 0 || result.Count > 0)
        {
            result.Add(current.ToString());
        }

        return result;
    }

    /// <summary>Parses one value with placeholders (<c>{cn}</c>, <c>{clientCert.cn}</c>...); null and an error when it is malformed.</summary>
    internal static Part[]? ParseValue(string value, out string error)
    {
        error = string.Empty;
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                literal.Append(value[++i]);
            }
            else if (c == '{')
            {
                var close = value.IndexOf('}', i + 1);
                if (close < 0)
                {
                    error = $"'{{' without '}}' in '{value}'";
                    return null;
                }

                var variable = value[(i + 1)..close].Trim().ToLowerInvariant() switch
                {
                    "cn" => TemplateVariable.CommonName,
                    "principal" => TemplateVariable.Principal,
                    "dns" => TemplateVariable.Dns,
                    "clientcert.cn" => TemplateVariable.ClientCertCommonName,
                    "clientcert.serialnumber" => TemplateVariable.ClientCertSerialNumber,
                    "credential.subject" => TemplateVariable.CredentialSubject,
                    _ => TemplateVariable.None,
                };
                if (variable == TemplateVariable.None)
                {
                    error = $"unknown placeholder '{value[i..(close + 1)]}' (known: {KnownPlaceholders})";
                    return null;
                }

                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), TemplateVariable.None));
                    literal.Clear();
                }

                parts.Add(new Part(string.Empty, variable));
                i = close;
            }
            else if (c == '}')
            {
                error = $"'}}' without '{{' in '{value}'";
                return null;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), TemplateVariable.None));
        }

        return [.. parts];
    }

    internal const string KnownPlaceholders = "{cn}, {principal}, {dns}, {clientCert.cn}, {clientCert.serialNumber}, {credential.subject}";

    private sealed record Rdn(string Oid, string Display, Part[] Parts);

    internal readonly record struct Part(string Literal, TemplateVariable Variable);
}
