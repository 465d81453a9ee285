using System.Buffers.Text;
using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Contracts.Acme;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;

namespace Gateway.Protocols.Common;

/// <summary><see cref="IAcmePort"/> over the ACME grains, in-process.</summary>
internal sealed class AcmePort(IGrainFactory grains) : IAcmePort
{
    public async Task<AcmeAccountInfo?> FindAccountByKeyAsync(string thumbprint)
    {
        var accountId = await grains.GetGrain<IAcmeAccountKeyGrain>(thumbprint).GetAccountIdAsync();
        return accountId is null ? null : await GetAccountAsync(accountId);
    }

    public Task<AcmeAccountInfo?> GetAccountAsync(string accountId) => grains.GetGrain<IAcmeAccountGrain>(accountId).GetAsync();

    public Task<AcmeResult<AcmeAccountCreation>> CreateAccountAsync(AcmeNewAccount account) =>
        grains.GetGrain<IAcmeAccountKeyGrain>(account.Thumbprint).CreateAccountAsync(account);

    public Task<IReadOnlyList<string>> ListOrdersAsync(string accountId, int take) => grains.GetGrain<IAcmeAccountGrain>(accountId).ListOrdersAsync(take);

    public Task<bool> IsReplacedAsync(string accountId, string replaces) => grains.GetGrain<IAcmeAccountGrain>(accountId).IsReplacedAsync(replaces);

    public Task<AcmeResult<AcmeAccountInfo>> UpdateAccountContactsAsync(string accountId, IReadOnlyList<string> contacts) =>
        grains.GetGrain<IAcmeAccountGrain>(accountId).UpdateContactsAsync(contacts);

    public Task<AcmeResult<AcmeAccountInfo>> DeactivateAccountAsync(string accountId) => grains.GetGrain<IAcmeAccountGrain>(accountId).DeactivateAsync();

    public Task<AcmeResult<AcmeAccountInfo>> ChangeAccountKeyAsync(string accountId, string oldThumbprint, string newJwk, string newThumbprint) =>
        grains.GetGrain<IAcmeAccountGrain>(accountId).ChangeKeyAsync(oldThumbprint, newJwk, newThumbprint);

    public Task<AcmeResult<AcmeOrderInfo>> CreateOrderAsync(AcmeNewOrder order) =>
        grains.GetGrain<IAcmeOrderGrain>(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))).CreateAsync(order);

    public Task<AcmeOrderInfo?> GetOrderAsync(string orderId) => grains.GetGrain<IAcmeOrderGrain>(orderId).GetAsync();

    public Task<AcmeResult<AcmeOrderInfo>> FinalizeOrderAsync(string orderId, string accountId, byte[] csr, Requester requester) =>
        grains.GetGrain<IAcmeOrderGrain>(orderId).FinalizeAsync(accountId, csr, requester);

    public Task<AcmeAuthorizationInfo?> GetAuthorizationAsync(string authorizationId) => grains.GetGrain<IAcmeAuthorizationGrain>(authorizationId).GetAsync();

    public Task<AcmeResult<AcmeAuthorizationInfo>> RespondToChallengeAsync(string authorizationId, string accountId, string type, string keyAuthorization) =>
        grains.GetGrain<IAcmeAuthorizationGrain>(authorizationId).RespondAsync(accountId, type, keyAuthorization);

    public Task<AcmeResult<AcmeAuthorizationInfo>> DeactivateAuthorizationAsync(string authorizationId, string accountId) =>
        grains.GetGrain<IAcmeAuthorizationGrain>(authorizationId).DeactivateAsync(accountId);

    public Task<IReadOnlyList<string?>?> CheckIdentifiersAsync(string profile, IReadOnlyList<AcmeIdentifier> identifiers) =>
        grains.GetGrain<IProfileDirectoryGrain>(0).CheckNamesAsync(profile,
            [.. identifiers.Select(i => i.Type == "ip" ? SubjectAltName.Ip(i.Value) : SubjectAltName.Dns(i.Value))]);

    public async Task<IReadOnlyList<string>?> GetCredentialSubjectsAsync(string credentialId) =>
        CredentialSecrets.IsWellFormedId(credentialId) && await grains.GetGrain<ICredentialGrain>(credentialId).GetAsync() is { } info ? info.Subjects : null;
}
