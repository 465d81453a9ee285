using Gateway.Contracts.Acme;

namespace Gateway.Contracts.Grains;

/// <summary>
/// The binding of one account key to its account (key: the key's RFC 7638 thumbprint). A key belongs to at most one
/// account, ever: the binding's stream is created once, in the same commit as the account (or the key change) it binds.
/// </summary>
[Alias("Gateway.IAcmeAccountKeyGrain")]
public interface IAcmeAccountKeyGrain : IGrainWithStringKey
{
    /// <summary>The account this key belongs to now, or null (never bound, or rolled over to another key).</summary>
    [Alias("GetAccountIdAsync")]
    Task<string?> GetAccountIdAsync();

    /// <summary>Creates the account for this key, or returns the one it already has (<see cref="AcmeAccountCreation.Existed"/>).</summary>
    [Alias("CreateAccountAsync")]
    Task<AcmeResult<AcmeAccountCreation>> CreateAccountAsync(AcmeNewAccount account);

    /// <summary>Re-reads the binding from the store (the account grain calls it after a key rollover).</summary>
    [Alias("ReloadAsync")]
    Task ReloadAsync();
}

/// <summary>One ACME account (key: account id), with its own event stream.</summary>
[Alias("Gateway.IAcmeAccountGrain")]
public interface IAcmeAccountGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<AcmeAccountInfo?> GetAsync();

    /// <summary>Replaces the contacts (RFC 8555 §7.3.2).</summary>
    [Alias("UpdateContactsAsync")]
    Task<AcmeResult<AcmeAccountInfo>> UpdateContactsAsync(IReadOnlyList<string> contacts);

    /// <summary>Deactivates the account (RFC 8555 §7.3.6); final.</summary>
    [Alias("DeactivateAsync")]
    Task<AcmeResult<AcmeAccountInfo>> DeactivateAsync();

    /// <summary>The account's orders that have not failed or expired, newest first, at most <paramref name="take"/>.</summary>
    [Alias("ListOrdersAsync")]
    Task<IReadOnlyList<string>> ListOrdersAsync(int take);

    /// <summary>Whether a live order replaces the certificate with ARI id <paramref name="replaces"/> already.</summary>
    [Alias("IsReplacedAsync")]
    Task<bool> IsReplacedAsync(string replaces);

    /// <summary>Rolls the account over to a new key (RFC 8555 §7.3.5); a key bound to any account is refused (409).</summary>
    [Alias("ChangeKeyAsync")]
    Task<AcmeResult<AcmeAccountInfo>> ChangeKeyAsync(string oldThumbprint, string newJwk, string newThumbprint);
}

/// <summary>One ACME order (key: order id) and, through it, the finalization: an ordinary enrollment with the order as its transaction.</summary>
[Alias("Gateway.IAcmeOrderGrain")]
public interface IAcmeOrderGrain : IGrainWithStringKey
{
    /// <summary>Creates the order and one authorization per identifier, in one commit.</summary>
    [Alias("CreateAsync")]
    Task<AcmeResult<AcmeOrderInfo>> CreateAsync(AcmeNewOrder order);

    /// <summary>The order with its current status (ready once every authorization is valid; expiry applied).</summary>
    [Alias("GetAsync")]
    Task<AcmeOrderInfo?> GetAsync();

    /// <summary>
    /// Finalizes a ready order with <paramref name="csr"/> (names already checked against the order by the front-end):
    /// enrolls with the order id as the transaction and records the outcome. orderNotReady unless ready.
    /// </summary>
    [Alias("FinalizeAsync")]
    Task<AcmeResult<AcmeOrderInfo>> FinalizeAsync(string accountId, byte[] csr, Requester requester);
}

/// <summary>One ACME authorization (key: authorization id) and its challenges; validation runs from here (Boulder's ra → va).</summary>
[Alias("Gateway.IAcmeAuthorizationGrain")]
public interface IAcmeAuthorizationGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<AcmeAuthorizationInfo?> GetAsync();

    /// <summary>
    /// The client says challenge <paramref name="type"/> is ready (RFC 8555 §7.5.1): validation starts in the background
    /// with <paramref name="keyAuthorization"/>, the answer shows it processing. Idempotent.
    /// </summary>
    [Alias("RespondAsync")]
    Task<AcmeResult<AcmeAuthorizationInfo>> RespondAsync(string accountId, string type, string keyAuthorization);

    /// <summary>The client deactivates the authorization (RFC 8555 §7.5.2).</summary>
    [Alias("DeactivateAsync")]
    Task<AcmeResult<AcmeAuthorizationInfo>> DeactivateAsync(string accountId);
}
