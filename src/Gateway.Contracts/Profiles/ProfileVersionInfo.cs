namespace Gateway.Contracts.Profiles;

/// <summary>One version of a profile: the document, who made it, from where, and the line diff against the version before.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileVersionInfo")]
public sealed record ProfileVersionInfo(
    [property: Id(0)] int Version,
    [property: Id(1)] string Source,
    [property: Id(2)] string Author,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Diff,
    [property: Id(5)] string Document,
    [property: Id(6)] int? RolledBackTo,
    [property: Id(7)] string? SeedFile,
    [property: Id(8)] string? Sha256 = null);
