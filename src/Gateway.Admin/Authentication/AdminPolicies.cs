namespace Gateway.Admin.Authentication;

/// <summary>Authorization policy names used by the admin endpoints.</summary>
public static class AdminPolicies
{
    public const string Read = "gateway-read";
    public const string Write = "gateway-write";
}
