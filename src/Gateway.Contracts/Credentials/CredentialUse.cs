namespace Gateway.Contracts.Credentials;

/// <summary>
/// One use of a credential, counted by <see cref="Grains.ICredentialGrain.ConsumeAsync"/>.
/// </summary>
/// <param name="Profile">The profile the use is for; must be the credential's.</param>
/// <param name="Protocol">The front-end it arrived through.</param>
/// <param name="Secret">The presented secret, checked in constant time when given. Null when the front-end has
/// already proven possession otherwise (a verified CMP MAC or ACME EAB signature, or an earlier
/// <see cref="Grains.ICredentialGrain.VerifySecretAsync"/>).</param>
/// <param name="Names">The requested subject CN and SAN values; checked against the credential's <c>subjects</c> when it has any.</param>
/// <param name="Reference">What the use was for (an enrollment id, an ACME account), recorded in the use event.</param>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialUse")]
public sealed record CredentialUse(
    [property: Id(0)] string Profile,
    [property: Id(1)] EnrollmentProtocol Protocol,
    [property: Id(2)] string? Secret = null,
    [property: Id(3)] IReadOnlyList<string>? Names = null,
    [property: Id(4)] string? Reference = null);
