namespace Gateway.Admin.Authentication;

/// <summary>Authorization policy names used by the admin endpoints.</summary>
public static class AdminPolicies
{
    /// <summary>Reading enrollments, profiles and credentials: every role.</summary>
    public const string Read = "gateway-read";
    /// <summary>Reading certificates, the cluster and the audit log: <c>admin</c> and <c>auditor</c>.</summary>
    public const string ReadAll = "gateway-read-all";
    public const string Write = "gateway-write";
    /// <summary>Changing policy profiles: <c>policy-admin</c> or <c>admin</c>.</summary>
    public const string PolicyWrite = "gateway-policy-write";
}
