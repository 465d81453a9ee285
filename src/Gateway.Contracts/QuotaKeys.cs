namespace Gateway.Contracts;

/// <summary>Grain keys of <see cref="Grains.IQuotaGrain"/>: one scope per profile, and one per profile and requester.</summary>
public static class QuotaKeys
{
    public static string ForProfile(string profile) => $"profile|{profile.ToLowerInvariant()}";

    public static string ForRequester(string profile, Requester requester) =>
        $"requester|{profile.ToLowerInvariant()}|{requester.AuthenticationMethod}:{requester.Principal}";

    /// <summary>Splits a key back into (profile, requester text or null for a profile scope).</summary>
    public static bool TryParse(string key, out string profile, out string? requester)
    {
        profile = "";
        requester = null;
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
            default:
                return false;
        }
    }
}
