namespace Gateway.Store;

/// <summary>What OCSP needs of a certificate: its issuer and revocation state (no DER).</summary>
public sealed class CertificateStatusRow
{
    public string Serial { get; set; } = "";
    public string IssuerId { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset NotAfter { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? Reason { get; set; }
}
