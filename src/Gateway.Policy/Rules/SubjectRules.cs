using System.Net;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Policy.Names;

namespace Gateway.Policy.Rules;

/// <summary>Compiled <c>subject</c> section.</summary>
internal sealed class SubjectRules
{
    public string[] Required { get; init; } = [];

    public HashSet<string>? Forbidden { get; init; }

    /// <summary>When set, every attribute must be in this set (required attributes are included).</summary>
    public HashSet<string>? Allowed { get; init; }

    public SubjectTemplate? Template { get; init; }

    public bool CommonNameMustBeSan { get; init; }

    /// <summary><c>bindCommonName</c>: per authentication method, the value every requested CN must equal (from the caller's identity).</summary>
    public Dictionary<string, CommonNameBinding>? BindCommonName { get; init; }

    public static SubjectRules None { get; } = new();

    public bool NeedsAttributes =>
        Required.Length > 0 || Forbidden is not null || Allowed is not null || CommonNameMustBeSan || Template?.UsesCommonName == true
        || BindCommonName is not null;

    /// <summary>
    /// When the requester's authentication method has a binding, every requested CN must equal its value (case-insensitive)
    /// and there must be one; a binding whose variable has no value for this requester refuses the request.
    /// </summary>
    public void CheckCommonNameBinding(List<KeyValuePair<string, string>> attributes, Requester requester, RuleRecorder rules)
    {
        if (BindCommonName is null) return;
        // `client-certificate` names both kinds of client certificate (as in `authentication`): a manufacturer or
        // gateway-issued certificate without an entry of its own is bound by it, never left unbound.
        if (!BindCommonName.TryGetValue(requester.AuthenticationMethod, out var binding)
            && !(requester.AuthenticationMethod is AuthenticationMethods.ManufacturerCertificate or AuthenticationMethods.GatewayCertificate
                && BindCommonName.TryGetValue(AuthenticationMethods.ClientCertificate, out binding)))
        {
            return;
        }

        var expected = SubjectTemplate.Fill(binding.Parts, null, requester, null, out var error);
        if (expected is null)
        {
            rules.Deny("subject.bindCommonName", $"The CN is bound to {binding.Text} for {requester.AuthenticationMethod} callers, but {error}", RejectionReason.BadName);
            return;
        }

        var found = false;
        var bound = true;
        foreach (var attribute in attributes)
        {
            if (attribute.Key != SubjectAttributes.CommonName)
            {
                continue;
            }

            found = true;
            if (!attribute.Value.Equals(expected, StringComparison.OrdinalIgnoreCase))
            {
                bound = false;
                rules.Deny("subject.bindCommonName", $"CN {attribute.Value} is not the caller's own: {binding.Text} is {expected}", RejectionReason.BadName);
            }
        }

        if (!found)
        {
            rules.Deny("subject.bindCommonName", $"The request has no CN; the caller's is {expected} ({binding.Text})", RejectionReason.BadName);
        }
        else if (bound)
        {
            rules.Allow("subject.bindCommonName", $"CN {expected} is the caller's own ({binding.Text})");
        }
    }

    public void CheckAttributes(List<KeyValuePair<string, string>> attributes, RuleRecorder rules)
    {
        foreach (var oid in Required)
        {
            var found = false;
            foreach (var attribute in attributes)
            {
                found |= attribute.Key == oid;
            }

            if (found)
            {
                rules.Allow("subject.required", $"Subject has the required attribute {SubjectAttributes.Display(oid)}");
            }
            else
            {
                rules.Deny("subject.required", $"Subject has no {SubjectAttributes.Display(oid)}, which is required", RejectionReason.BadName);
            }
        }

        if (Forbidden is not null)
        {
            var clean = true;
            foreach (var attribute in attributes)
            {
                if (Forbidden.Contains(attribute.Key))
                {
                    clean = false;
                    rules.Deny("subject.forbidden", $"Subject attribute {SubjectAttributes.Display(attribute.Key)} is forbidden", RejectionReason.BadName);
                }
            }

            if (clean)
            {
                rules.Allow("subject.forbidden", "Subject has no forbidden attribute");
            }
        }

        if (Allowed is not null)
        {
            var clean = true;
            foreach (var attribute in attributes)
            {
                if (!Allowed.Contains(attribute.Key))
                {
                    clean = false;
                    rules.Deny("subject.allowed", $"Subject attribute {SubjectAttributes.Display(attribute.Key)} is not allowed", RejectionReason.BadName);
                }
            }

            if (clean)
            {
                rules.Allow("subject.allowed", "Every subject attribute is allowed");
            }
        }
    }

    /// <summary>
    /// Refuses control characters (C0, DEL, C1) in any attribute value: they hide or forge text in logs, consoles and
    /// relying parties' displays, and no legitimate name carries one.
    /// </summary>
    public static void CheckControlCharacters(List<KeyValuePair<string, string>> attributes, RuleRecorder rules)
    {
        foreach (var attribute in attributes)
        {
            if (NameText.IndexOfControl(attribute.Value) is var at and >= 0)
            {
                rules.Deny("subject.controlCharacters",
                    $"Subject attribute {SubjectAttributes.Display(attribute.Key)} contains the control character U+{(int)attribute.Value[at]:X4} at position {at + 1}",
                    RejectionReason.BadRequest);
            }
        }
    }

    public static void CheckCommonNamesAreSans(List<KeyValuePair<string, string>> attributes, IReadOnlyList<SubjectAltName> sans, RuleRecorder rules)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key != SubjectAttributes.CommonName)
            {
                continue;
            }

            if (IsSan(attribute.Value, sans))
            {
                rules.Allow("subject.commonNameMustBeSan", $"CN {attribute.Value} is also a subject alternative name");
            }
            else
            {
                rules.Deny("subject.commonNameMustBeSan", $"CN {attribute.Value} is not one of the certificate's subject alternative names", RejectionReason.BadName);
            }
        }
    }

    private static bool IsSan(string commonName, IReadOnlyList<SubjectAltName> sans)
    {
        var cnAddress = IPAddress.TryParse(commonName, out var parsed) ? parsed : null;
        for (var i = 0; i < sans.Count; i++)
        {
            var san = sans[i];
            switch (san.Type)
            {
                case SubjectAltNameType.Dns when DnsName.Normalize(san.Value).Equals(DnsName.Normalize(commonName), StringComparison.OrdinalIgnoreCase):
                case SubjectAltNameType.Email when san.Value.Equals(commonName, StringComparison.OrdinalIgnoreCase):
                case SubjectAltNameType.Ip when cnAddress is not null && IPAddress.TryParse(san.Value, out var address) && address.Equals(cnAddress):
                    return true;
            }
        }

        return false;
    }
}
