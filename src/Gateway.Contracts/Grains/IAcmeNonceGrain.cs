namespace Gateway.Contracts.Grains;

/// <summary>
/// One shard of the ACME nonces already used (key: shard number). A nonce is accepted once by any node: its first
/// <see cref="ConsumeAsync"/> answers true, every later one false. Kept in memory until the nonce expires (no database write
/// per nonce); a shard lost with its node forgets its nonces, so nonces are short-lived.
/// </summary>
[Alias("Gateway.IAcmeNonceGrain")]
public interface IAcmeNonceGrain : IGrainWithIntegerKey
{
    [Alias("ConsumeAsync")]
    Task<bool> ConsumeAsync(string nonce, DateTimeOffset expires);
}
