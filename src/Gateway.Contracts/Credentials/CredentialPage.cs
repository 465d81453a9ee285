namespace Gateway.Contracts.Credentials;

[GenerateSerializer, Immutable, Alias("Gateway.CredentialPage")]
public sealed record CredentialPage(
    [property: Id(0)] IReadOnlyList<CredentialInfo> Items,
    [property: Id(1)] long Total,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);
