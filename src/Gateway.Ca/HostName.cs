using System.Net;

namespace Gateway.Ca;

/// <summary>Checks for the names the CA puts into its own server certificate.</summary>
internal static class HostName
{
    public static bool IsValid(string? host) =>
        !string.IsNullOrWhiteSpace(host) && (IPAddress.TryParse(host, out _) || IsDnsName(host));

    /// <summary>LDH labels of 1–63 characters, at most 253 in all, an optional leading <c>*.</c> wildcard.</summary>
    public static bool IsDnsName(string host)
    {
        string name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (string label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
