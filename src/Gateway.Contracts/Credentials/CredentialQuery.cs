namespace Gateway.Contracts.Credentials;

[GenerateSerializer, Immutable, Alias("Gateway.CredentialQuery")]
public sealed record CredentialQuery(
    [property: Id(0)] string? Profile = null,
    [property: Id(1)] CredentialStatus? Status = null,
    [property: Id(2)] int Page = 1,
    [property: Id(3)] int PageSize = 50);
