namespace Gateway.Store.Events;

/// <summary>First event of a certificate stream (id = serial, lowercase hex). Committed before any answer carries the certificate.</summary>
/// <param name="SpkiSha256">Lowercase hex SHA-256 of the certificate's SubjectPublicKeyInfo (indexed: duplicate-key checks); null in events written before it existed.</param>
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
    string? SpkiSha256 = null);
