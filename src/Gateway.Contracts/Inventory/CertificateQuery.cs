namespace Gateway.Contracts.Inventory;

/// <summary>
/// Filters for listing certificates; every filter is optional. Subject and SAN match by substring, case-insensitive.
/// <see cref="ExpiringWithin"/> lists valid certificates whose notAfter is within that time from now, soonest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.CertificateQuery")]
public sealed record CertificateQuery(
    [property: Id(0)] string? Subject = null,
    [property: Id(1)] string? San = null,
    [property: Id(2)] CertificateStatus? Status = null,
    [property: Id(3)] string? Profile = null,
    [property: Id(4)] EnrollmentProtocol? Protocol = null,
    [property: Id(5)] DateTimeOffset? ExpiringBefore = null,
    [property: Id(6)] int Page = 1,
    [property: Id(7)] int PageSize = 50,
    [property: Id(8)] TimeSpan? ExpiringWithin = null);

[GenerateSerializer, Immutable, Alias("Gateway.CertificatePage")]
public sealed record CertificatePage(
    [property: Id(0)] IReadOnlyList<CertificateInfo> Items,
    [property: Id(1)] long Total,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);
