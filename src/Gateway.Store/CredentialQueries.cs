using System.Text.Json;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>Read side of enrollment credentials: one record, a filtered page, a history without secret material.</summary>
public sealed class CredentialQueries(IDocumentStore store)
{
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    /// <summary>Fields of credential events that never leave the store through a query.</summary>
    private static readonly string[] SecretFields = ["secretHashAlgorithm", "secretSalt", "secretHash", "encryptionKeyId", "encryptedSecret"];

    public async Task<CredentialRecord?> GetAsync(string credentialId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<CredentialRecord>(CredentialStreams.For(credentialId), ct).ConfigureAwait(false);
    }

    public async Task<(IReadOnlyList<CredentialRecord> Items, long Total)> QueryAsync(CredentialFilter filter, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<CredentialRecord> q = session.Query<CredentialRecord>();
        if (!string.IsNullOrWhiteSpace(filter.Profile)) { var p = filter.Profile; q = q.Where(x => x.Profile == p); }
        if (filter.Statuses is { Length: > 0 } statuses) q = q.Where(x => statuses.Contains(x.Status));
        if (filter.ExpiredAt is { } expired) q = q.Where(x => x.ExpiresAt != null && x.ExpiresAt <= expired);
        if (filter.UnexpiredAt is { } unexpired) q = q.Where(x => x.ExpiresAt == null || x.ExpiresAt > unexpired);

        var total = await q.CountAsync(ct).ConfigureAwait(false);
        var items = await q.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id)
            .Skip(filter.Skip).Take(filter.Take).ToListAsync(ct).ConfigureAwait(false);
        return (items, total);
    }

    /// <summary>The credential's events, oldest first, without the secret's hash, salt or ciphertext; null when unknown.</summary>
    public async Task<IReadOnlyList<HistoryItem>?> GetHistoryAsync(string credentialId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(CredentialStreams.For(credentialId), token: ct).ConfigureAwait(false);
        if (events.Count == 0) return null;
        return events
            .OrderBy(e => e.Version)
            .Select(e => new HistoryItem(e.EventTypeName, e.Timestamp, ActorOf(e.Data), e.StreamKey ?? "", e.Version, Details(e.Data)))
            .ToList();
    }

    private static string ActorOf(object data) => data switch
    {
        CredentialCreated c => c.Actor,
        CredentialRevoked r => r.Actor,
        CredentialUsed u => CredentialStreams.For(u.CredentialId),
        CredentialUseRefused r => CredentialStreams.For(r.CredentialId),
        _ => "gateway",
    };

    private static string Details(object data)
    {
        var node = JsonSerializer.SerializeToNode(data, data.GetType(), DetailsJson)!.AsObject();
        foreach (var field in SecretFields) node.Remove(field);
        return node.ToJsonString();
    }
}
