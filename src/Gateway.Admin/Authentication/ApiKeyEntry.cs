namespace Gateway.Admin.Authentication;

/// <summary>One configured API key: a name (the principal recorded as actor), the key or its SHA-256 (hex), and roles.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    /// <summary>The key itself (prefer <see cref="Sha256"/> in files that others can read).</summary>
    public string? Key { get; set; }
    /// <summary>Lowercase hex SHA-256 of the key.</summary>
    public string? Sha256 { get; set; }
    public string[] Roles { get; set; } = [];
}
