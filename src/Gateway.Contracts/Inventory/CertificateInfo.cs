namespace Gateway.Contracts.Inventory;

/// <summary>A certificate as the inventory knows it.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CertificateInfo")]
public sealed record CertificateInfo(
    [property: Id(0)] string Serial,
    [property: Id(1)] string Subject,
    [property: Id(2)] IReadOnlyList<string> SubjectAltNames,
    [property: Id(3)] string Issuer,
    [property: Id(4)] DateTimeOffset NotBefore,
    [property: Id(5)] DateTimeOffset NotAfter,
    [property: Id(6)] CertificateStatus Status,
    [property: Id(7)] string Profile,
    [property: Id(8)] EnrollmentProtocol Protocol,
    [property: Id(9)] string Requester,
    [property: Id(10)] string Sha256Fingerprint,
    [property: Id(11)] byte[] Der,
    [property: Id(12)] DateTimeOffset? RevokedAt,
    [property: Id(13)] RevocationReason? RevocationReason,
    [property: Id(14)] string EnrollmentId,
    [property: Id(15)] string? RenewalOf = null,
    [property: Id(16)] string? SupersededBy = null,
    [property: Id(17)] string? IssuerId = null);

[GenerateSerializer, Alias("Gateway.CertificateStatus")]
public enum CertificateStatus
{
    Valid = 0,
    Revoked = 1,
    Expired = 2,
    OnHold = 3,
}
