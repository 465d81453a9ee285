using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Contracts.Acme;

namespace Gateway.Protocols.Acme;

/// <summary>ACME identifiers of a newOrder: <c>dns</c> names (LDH labels, an optional leading <c>*.</c>) and <c>ip</c> addresses (RFC 8738, canonical text).</summary>
internal static class AcmeIdentifiers
{
    public static AcmeIdentifier? Parse(JsonElement item, out string problem)
    {
        problem = "";
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
            || !item.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.String)
        {
            problem = "An identifier is an object with string type and value.";
            return null;
        }
        var type = typeElement.GetString()!;
        var value = valueElement.GetString()!;
        switch (type)
        {
            case "dns":
                var name = value.ToLowerInvariant();
                if (IPAddress.TryParse(value, out _)) { problem = $"'{Short(value)}' is an IP address: use an ip identifier."; return null; }
                if (!IsDnsName(name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name))
                {
                    problem = $"'{Short(value)}' is not a DNS name (letters, digits and hyphens in dot-separated labels, no trailing dot).";
                    return null;
                }
                // Echoed exactly as ordered (clients compare); compared case-insensitively (Normalized).
                return new AcmeIdentifier("dns", value);
            case "ip":
                if (!IPAddress.TryParse(value, out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                    || value.Contains('%') || (address.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') != 3))
                {
                    problem = $"'{Short(value)}' is not an IPv4 or IPv6 address.";
                    return null;
                }
                return new AcmeIdentifier("ip", address.ToString());
            default:
                problem = $"Identifier type '{Short(type)}' is not supported (dns, ip).";
                return null;
        }
    }

    /// <summary>The identifier as compared: DNS names in lower case (IP addresses are canonical already).</summary>
    public static AcmeIdentifier Normalized(AcmeIdentifier identifier) =>
        identifier.Type == "dns" ? identifier with { Value = identifier.Value.ToLowerInvariant() } : identifier;

    /// <summary>Whether a credential subject (an exact name) covers an identifier.</summary>
    public static bool Covers(string subject, AcmeIdentifier identifier) =>
        string.Equals(subject.Trim(), identifier.Value, StringComparison.OrdinalIgnoreCase);

    private static bool IsDnsName(string name)
    {
        if (name.Length is 0 or > 253 || name.EndsWith('.')) return false;
        var labels = name.Split('.');
        if (labels.Length < 2) return false;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            if (!label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')) return false;
        }
        return true;
    }

    private static string Short(string s) => s.Length <= 100 ? s : s[..100] + "…";
}
