namespace Gateway.Contracts.Credentials;

/// <summary>An enrollment credential as the admin API shows it (never its secret).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialInfo")]
public sealed record CredentialInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Profile,
    [property: Id(2)] CredentialStatus Status,
    [property: Id(3)] int? MaxUses,
    [property: Id(4)] int Uses,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] IReadOnlyList<string> Subjects,
    [property: Id(7)] string? Description,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] string CreatedBy,
    [property: Id(10)] DateTimeOffset? LastUsedAt,
    [property: Id(11)] DateTimeOffset? RevokedAt,
    [property: Id(12)] string? RevokedBy);
