namespace Gateway.Admin.Authentication;

/// <summary>Authorization policy names used by the admin endpoints.</summary>
public static class AdminPolicies
{
    public const string Read = "gateway-read";
    public const string Write = "gateway-write";
    /// <summary>Changing policy profiles: <c>policy-admin</c> or <c>admin</c>.</summary>
    public const string PolicyWrite = "gateway-policy-write";
}
