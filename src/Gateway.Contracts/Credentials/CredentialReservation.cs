namespace Gateway.Contracts.Credentials;

/// <summary>
/// The answer of <see cref="Grains.ICredentialGrain.ReserveUseAsync"/>: whether the credential may be used for this
/// enrollment and, when it may, what the enrollment commits with its certificate to spend the use: a
/// <c>CredentialUsed</c> event in the credential's stream (profile key, names, the count after it), appended at
/// <see cref="ExpectedVersion"/> when the credential has a use limit (so two enrollments racing for the last use cannot
/// both commit). An unlimited credential (<see cref="ExpectedVersion"/> null) has nothing to enforce: its use is recorded
/// by the credential's grain after the certificate commits. <see cref="AlreadyCounted"/>: this enrollment's use is recorded already.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialReservation")]
public sealed record CredentialReservation(
    [property: Id(0)] CredentialCheck Check,
    [property: Id(1)] string ProfileKey,
    [property: Id(2)] IReadOnlyList<string> Names,
    [property: Id(3)] int UsesAfter,
    [property: Id(4)] long? ExpectedVersion,
    [property: Id(5)] bool AlreadyCounted);
