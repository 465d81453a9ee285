namespace Gateway.Contracts.Credentials;

/// <summary>A credential just created, with its secret: the only time the secret is ever returned.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.CreatedCredential")]
public sealed record CreatedCredential(
    [property: Id(0)] CredentialInfo Credential,
    [property: Id(1)] string Secret);
