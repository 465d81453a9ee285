using Gateway.Contracts;
using Gateway.Contracts.Acme;

namespace Gateway.Protocols.Common;

/// <summary>
/// The ACME part of the port: accounts, orders and authorizations live in grains (<c>Gateway.Grains/Acme</c>), each with
/// its own event stream; the ACME front-end reaches them only through here, as every front-end reaches the core through
/// <see cref="IEnrollmentPort"/>.
/// </summary>
public interface IAcmePort
{
    /// <summary>The account whose current key has thumbprint <paramref name="thumbprint"/>, or null.</summary>
    Task<AcmeAccountInfo?> FindAccountByKeyAsync(string thumbprint);

    Task<AcmeAccountInfo?> GetAccountAsync(string accountId);

    /// <summary>Creates an account for a key, or returns the key's existing one.</summary>
    Task<AcmeResult<AcmeAccountCreation>> CreateAccountAsync(AcmeNewAccount account);

    /// <summary>The ids of the account's live orders, newest first.</summary>
    Task<IReadOnlyList<string>> ListOrdersAsync(string accountId, int take);

    /// <summary>Whether a live order replaces the certificate with this ARI id already (RFC 9773 §5).</summary>
    Task<bool> IsReplacedAsync(string accountId, string replaces);

    Task<AcmeResult<AcmeAccountInfo>> UpdateAccountContactsAsync(string accountId, IReadOnlyList<string> contacts);

    Task<AcmeResult<AcmeAccountInfo>> DeactivateAccountAsync(string accountId);

    Task<AcmeResult<AcmeAccountInfo>> ChangeAccountKeyAsync(string accountId, string oldThumbprint, string newJwk, string newThumbprint);

    /// <summary>Creates an order (a fresh id) with one authorization per identifier.</summary>
    Task<AcmeResult<AcmeOrderInfo>> CreateOrderAsync(AcmeNewOrder order);

    Task<AcmeOrderInfo?> GetOrderAsync(string orderId);

    /// <summary>Finalizes a ready order: an ordinary enrollment with the order as its transaction.</summary>
    Task<AcmeResult<AcmeOrderInfo>> FinalizeOrderAsync(string orderId, string accountId, byte[] csr, Requester requester);

    Task<AcmeAuthorizationInfo?> GetAuthorizationAsync(string authorizationId);

    Task<AcmeResult<AcmeAuthorizationInfo>> RespondToChallengeAsync(string authorizationId, string accountId, string type, string keyAuthorization);

    Task<AcmeResult<AcmeAuthorizationInfo>> DeactivateAuthorizationAsync(string authorizationId, string accountId);

    /// <summary>For each identifier, why the profile would not issue it, or null when it would (null: no such profile).</summary>
    Task<IReadOnlyList<string?>?> CheckIdentifiersAsync(string profile, IReadOnlyList<AcmeIdentifier> identifiers);

    /// <summary>The subjects an enrollment credential binds (for identifiers pre-authorised by an EAB credential), or null when there is no such credential.</summary>
    Task<IReadOnlyList<string>?> GetCredentialSubjectsAsync(string credentialId);
}
