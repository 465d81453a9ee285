namespace Gateway.Store.Events;

/// <summary>First event of a certificate stream (id = serial, lowercase hex). Committed before any answer carries the certificate.</summary>
/// <param name="SpkiSha256">Lowercase hex SHA-256 of the certificate's SubjectPublicKeyInfo (indexed: duplicate-key checks); null in events written before it existed.</param>
/// <param name="LifetimeCutFrom">The notAfter the profile granted when the issuing CA's own notAfter cut the certificate short (it ends with its CA); null when not cut.</param>
public sealed record CertificateIssued(
    string Serial,
    string EnrollmentId,
    string Profile,
    string Protocol,
    string Requester,
    string Subject,
    string[] SubjectAltNames,
    string IssuerId,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Sha256Fingerprint,
    byte[] Der,
    string? RenewalOf,
    DateTimeOffset At,
    string? SpkiSha256 = null,
    DateTimeOffset? LifetimeCutFrom = null);
