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

    /// <summary>The ids of an account's orders that are not finished badly, newest first (RFC 8555 §7.1.2.1's orders list).</summary>
    public async Task<IReadOnlyList<string>> OrderIdsOfAsync(string accountId, DateTimeOffset now, int take, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<AcmeOrderRecord>()
            .Where(o => o.AccountId == accountId && (o.FinalStatus == "valid" || o.FinalStatus == "processing" || (o.FinalStatus == null && o.Expires > now)))
            .OrderByDescending(o => o.CreatedAt)
            .Take(take)
            .Select(o => o.OrderId)
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Orders that replace <paramref name="replaces"/> (an ARI certificate id) and have not failed (RFC 9773 §5: one replacement per certificate).</summary>
    public async Task<bool> IsReplacedAsync(string replaces, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<AcmeOrderRecord>()
            .AnyAsync(o => o.Replaces == replaces && (o.FinalStatus == "valid" || o.FinalStatus == "processing" || (o.FinalStatus == null && o.Expires > now)), ct).ConfigureAwait(false);
    }

    private async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : notnull
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<T>(id, ct).ConfigureAwait(false);
    }
}
