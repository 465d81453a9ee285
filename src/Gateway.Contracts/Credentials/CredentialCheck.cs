namespace Gateway.Contracts.Credentials;

/// <summary>
/// The answer of a credential check or use: the status, a short reason (safe to show the requester: it never
/// contains the secret), and the uses counted so far (after this one, for <see cref="Grains.ICredentialGrain.ConsumeAsync"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialCheck")]
public sealed record CredentialCheck(
    [property: Id(0)] CredentialCheckStatus Status,
    [property: Id(1)] string Reason,
    [property: Id(2)] int Uses,
    [property: Id(3)] int? MaxUses,
    [property: Id(4)] TimeSpan? RetryAfter = null)
{
    public bool Valid => Status == CredentialCheckStatus.Valid;
}
