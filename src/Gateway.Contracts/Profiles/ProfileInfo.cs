namespace Gateway.Contracts.Profiles;

/// <summary>A profile as stored: its current version and document, and where that version came from.</summary>
/// <param name="Source">Where the current version came from: <c>seed:&lt;file&gt;</c> (seeded at start from the policies
/// directory), <c>reload</c> (re-read through the API), <c>api</c> or <c>rollback:&lt;version&gt;</c>.</param>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileInfo")]
public sealed record ProfileInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] string Description,
    [property: Id(3)] string Document,
    [property: Id(4)] string Source,
    [property: Id(5)] string Author,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] IReadOnlyList<string> Protocols,
    [property: Id(9)] IReadOnlyList<string> AuthenticationMethods,
    [property: Id(10)] string? SeedFile);
