namespace Gateway.Contracts;

/// <summary>Profile names are case-insensitive: grain keys and stream ids use the lower-case form.</summary>
public static class ProfileKeys
{
    public static string For(string name) => name.Trim().ToLowerInvariant();
}
