namespace Gateway.Contracts.Credentials;

/// <summary>The outcome of <see cref="Grains.ICredentialDirectoryGrain.CreateAsync"/>: the credential and its secret, or why not.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialCreateResult")]
public sealed record CredentialCreateResult(
    [property: Id(0)] CredentialCreateStatus Status,
    [property: Id(1)] CreatedCredential? Created,
    [property: Id(2)] string? Message);
