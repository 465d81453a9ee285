using Gateway.Store.Events;
using Marten;

namespace Gateway.Store;

/// <summary>Read side of the admin audit log: the <see cref="AdminActionRecorded"/> events, filtered and paged.</summary>
public sealed class AdminAuditQueries(IDocumentStore store)
{
    public async Task<(IReadOnlyList<AdminActionRecorded> Items, long Total)> QueryAsync(AdminAuditFilter filter, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<AdminActionRecorded> q = session.Events.QueryRawEventDataOnly<AdminActionRecorded>();
        if (filter.From is { } from) q = q.Where(x => x.At >= from);
        if (filter.To is { } to) q = q.Where(x => x.At < to);
        if (!string.IsNullOrWhiteSpace(filter.Actor)) { var actor = filter.Actor; q = q.Where(x => x.Actor == actor); }
        if (!string.IsNullOrWhiteSpace(filter.Action)) { var action = filter.Action; q = q.Where(x => x.Action == action); }
        var total = await q.CountAsync(ct).ConfigureAwait(false);
        var items = await q.OrderByDescending(x => x.At).Skip(filter.Skip).Take(filter.Take).ToListAsync(ct).ConfigureAwait(false);
        return (items, total);
    }
}
