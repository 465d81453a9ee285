using System.Net;
using Gateway.Contracts;
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

    public static SubjectRules None { get; } = new();

    public bool NeedsAttributes =>
        Required.Length > 0 || Forbidden is not null || Allowed is not null || CommonNameMustBeSan || Template?.UsesCommonName == true;

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
