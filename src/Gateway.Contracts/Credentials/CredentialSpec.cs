namespace Gateway.Contracts.Credentials;

/// <summary>What a new enrollment credential allows: one profile, optionally a number of uses, an expiry and the only subject/SAN values it may request.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialSpec")]
public sealed record CredentialSpec(
    [property: Id(0)] string Profile,
    [property: Id(1)] int? MaxUses = null,
    [property: Id(2)] DateTimeOffset? ExpiresAt = null,
    [property: Id(3)] IReadOnlyList<string>? Subjects = null,
    [property: Id(4)] string? Description = null);
