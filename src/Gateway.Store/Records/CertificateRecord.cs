using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of a certificate stream: the inventory row.</summary>
public sealed class CertificateRecord
{
    public string Id { get; set; } = "";
    public string Serial { get; set; } = "";
    public string Subject { get; set; } = "";
    public string[] SubjectAltNames { get; set; } = [];
    /// <summary>SANs joined in lower case, for substring search.</summary>
    public string SanText { get; set; } = "";
    public string IssuerId { get; set; } = "";
    public string Issuer { get; set; } = "";
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public string Status { get; set; } = "Valid";
    public string Profile { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string Requester { get; set; } = "";
    public string Sha256Fingerprint { get; set; } = "";
    /// <summary>
    /// The certificate. Not stored in the row (the <c>certificate_issued</c> event holds it): the store's queries fill it
    /// (<see cref="CertificateDer"/>), and a record read past them has it empty.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[] Der { get; set; } = [];
    public string EnrollmentId { get; set; } = "";
    public string? RenewalOf { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
    public DateTimeOffset? InvalidityDate { get; set; }
    /// <summary>Lowercase hex SHA-256 of the SubjectPublicKeyInfo (indexed); null for certificates recorded before it existed.</summary>
    public string? SpkiSha256 { get; set; }
    /// <summary>The certificate that renewed this one, when it was renewed.</summary>
    public string? SupersededBy { get; set; }
    public DateTimeOffset? SupersededAt { get; set; }
    /// <summary>When the expiry job marked it expired (status Valid → Expired; revoked and held certificates keep their status).</summary>
    public DateTimeOffset? ExpiredAt { get; set; }

    public static CertificateRecord Create(CertificateIssued e) => new()
    {
        Id = e.Serial,
        Serial = e.Serial,
        Subject = e.Subject,
        SubjectAltNames = e.SubjectAltNames,
        SanText = string.Join(' ', e.SubjectAltNames).ToLowerInvariant(),
        IssuerId = e.IssuerId,
        Issuer = e.Issuer,
        NotBefore = e.NotBefore,
        NotAfter = e.NotAfter,
        Status = "Valid",
        Profile = e.Profile,
        Protocol = e.Protocol,
        Requester = e.Requester,
        Sha256Fingerprint = e.Sha256Fingerprint,
        Der = e.Der,
        EnrollmentId = e.EnrollmentId,
        RenewalOf = e.RenewalOf,
        IssuedAt = e.At,
        SpkiSha256 = e.SpkiSha256,
    };

    public void Apply(CertificateRenewed e) => RenewalOf = e.RenewalOf;

    public void Apply(CertificateSuperseded e)
    {
        SupersededBy = e.SupersededBy;
        SupersededAt = e.At;
    }

    public void Apply(CertificateExpired e)
    {
        ExpiredAt ??= e.At;
        if (Status == "Valid") Status = "Expired";
    }

    /// <summary>
    /// A final revocation is final: once revoked for any reason but certificateHold, a later hold, release or second
    /// revocation (a racing or stale writer's) changes nothing. A hold may become final, or be released.
    /// </summary>
    public void Apply(CertificateRevoked e)
    {
        if (Status == "Revoked") return;
        Status = e.Reason == "certificateHold" ? "OnHold" : "Revoked";
        RevokedAt = e.At;
        RevocationReason = e.Reason;
        InvalidityDate = e.InvalidityDate;
    }

    public void Apply(CertificateHoldReleased e)
    {
        if (Status != "OnHold") return;
        Status = "Valid";
        RevokedAt = null;
        RevocationReason = null;
        InvalidityDate = null;
    }
}
