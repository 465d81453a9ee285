namespace Gateway.Contracts.Profiles;

/// <summary>
/// The outcome of re-seeding from the policies directory. With any <see cref="Errors"/> nothing was changed.
/// <see cref="Kept"/> lists profiles whose file differs from a version changed through the API (the API version stays).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileReloadResult")]
public sealed record ProfileReloadResult(
    [property: Id(0)] IReadOnlyList<string> Created,
    [property: Id(1)] IReadOnlyList<string> Updated,
    [property: Id(2)] IReadOnlyList<string> Unchanged,
    [property: Id(3)] IReadOnlyList<string> Kept,
    [property: Id(4)] IReadOnlyList<ProfileError> Errors,
    [property: Id(5)] string Directory);
