namespace Gateway.Contracts.Profiles;

/// <summary>The outcome of a change to a profile (put or rollback).</summary>
/// <param name="Profile">The profile after the change (also when unchanged); null when invalid or not found.</param>
/// <param name="Errors">Why the document was refused (<see cref="ProfileChangeStatus.Invalid"/>); nothing was changed then.</param>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileChangeResult")]
public sealed record ProfileChangeResult(
    [property: Id(0)] ProfileChangeStatus Status,
    [property: Id(1)] ProfileInfo? Profile,
    [property: Id(2)] IReadOnlyList<ProfileError> Errors,
    [property: Id(3)] string? Message = null);
