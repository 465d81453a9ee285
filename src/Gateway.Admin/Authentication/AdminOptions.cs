namespace Gateway.Admin.Authentication;

/// <summary>Section <c>Gateway:Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Gateway:Admin";

    /// <summary>An API key with role admin (environment <c>Gateway__Admin__BootstrapApiKey</c>).</summary>
    public string? BootstrapApiKey { get; set; }

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}
