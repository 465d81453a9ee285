using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>Read side of ACME accounts, key bindings, orders and authorizations (their inline projections).</summary>
public sealed class AcmeQueries(IDocumentStore store)
{
    public Task<AcmeAccountRecord?> GetAccountAsync(string accountId, CancellationToken ct = default) => LoadAsync<AcmeAccountRecord>(AcmeStreams.Account(accountId), ct);

    public Task<AcmeAccountKeyRecord?> GetKeyAsync(string thumbprint, CancellationToken ct = default) => LoadAsync<AcmeAccountKeyRecord>(AcmeStreams.Key(thumbprint), ct);

    public Task<AcmeOrderRecord?> GetOrderAsync(string orderId, CancellationToken ct = default) => LoadAsync<AcmeOrderRecord>(AcmeStreams.Order(orderId), ct);

    public Task<AcmeAuthorizationRecord?> GetAuthorizationAsync(string authorizationId, CancellationToken ct = default) =>
        LoadAsync<AcmeAuthorizationRecord>(AcmeStreams.Authorization(authorizationId), ct);

    private async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : notnull
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<T>(id, ct).ConfigureAwait(false);
    }
}
