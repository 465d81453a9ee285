using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>What an OCSP SingleResponse says of one certificate (RFC 6960 §4.2.1 CertStatus).</summary>
public sealed record OcspCertificateStatus(OcspCertificateStatusKind Kind, DateTimeOffset? RevokedAt = null, RevocationReason? Reason = null)
{
    public static OcspCertificateStatus Good { get; } = new(OcspCertificateStatusKind.Good);

    public static OcspCertificateStatus Unknown { get; } = new(OcspCertificateStatusKind.Unknown);

    public static OcspCertificateStatus Revoked(DateTimeOffset at, RevocationReason reason) => new(OcspCertificateStatusKind.Revoked, at, reason);
}

public enum OcspCertificateStatusKind
{
    Good = 0,
    Revoked = 1,
    Unknown = 2,
}
