namespace Gateway.Admin.Authentication;

public static class AdminRoles
{
    /// <summary>Everything, including issuing and revoking.</summary>
    public const string Admin = "admin";
    /// <summary>Read-only: certificates, history, profiles.</summary>
    public const string Auditor = "auditor";
    /// <summary>Edits policy profiles.</summary>
    public const string PolicyAdmin = "policy-admin";

    public static readonly string[] All = [Admin, Auditor, PolicyAdmin];
}
