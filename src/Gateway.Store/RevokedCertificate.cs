namespace Gateway.Store;

/// <summary>A revoked (or held) certificate as a CRL lists it.</summary>
public sealed class RevokedCertificate
{
    public string Serial { get; set; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? InvalidityDate { get; set; }
}
