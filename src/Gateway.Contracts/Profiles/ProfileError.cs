namespace Gateway.Contracts.Profiles;

/// <summary>One problem in a profile document: 1-based line and column, the field path (e.g. <c>san.dns.allow[2]</c>) and what is wrong.</summary>
/// <param name="Source">The file, for errors found while reloading the policies directory; null for a document sent to the API.</param>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileError")]
public sealed record ProfileError(
    [property: Id(0)] int Line,
    [property: Id(1)] int Column,
    [property: Id(2)] string Field,
    [property: Id(3)] string Message,
    [property: Id(4)] string? Source = null);
