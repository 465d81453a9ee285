namespace Gateway.Contracts;

/// <summary>Grain keys of <see cref="Grains.IQuotaGrain"/>: one scope per profile, and one per profile and requester.</summary>
public static class QuotaKeys
{
    public static string ForProfile(string profile) => $"profile|{profile.ToLowerInvariant()}";

    public static string ForRequester(string profile, Requester requester) =>
        $"requester|{profile.ToLowerInvariant()}|{requester.AuthenticationMethod}:{requester.Principal}";

    /// <summary>One scope per profile and subjectAltName (<c>DNS:name</c> lowercase, <c>IP:address</c>), as certificates record them.</summary>
    public static string ForName(string profile, string subjectAltName) => $"name|{profile.ToLowerInvariant()}|{subjectAltName}";

    /// <summary>Splits a key back into (profile, requester text or null for a profile scope).</summary>
    public static bool TryParse(string key, out string profile, out string? requester) => TryParse(key, out profile, out requester, out _);

    /// <summary>Splits a key back into (profile, requester text, subjectAltName); requester and name null for a profile scope.</summary>
    public static bool TryParse(string key, out string profile, out string? requester, out string? name)
    {
        profile = "";
        requester = null;
        name = null;
        var parts = key.Split('|', 3);
        switch (parts)
        {
            case ["profile", var p]:
                profile = p;
                return true;
            case ["requester", var p, var r]:
                profile = p;
                requester = r;
                return true;
            case ["name", var p, var n]:
                profile = p;
                name = n;
                return true;
            default:
                return false;
        }
    }
}
