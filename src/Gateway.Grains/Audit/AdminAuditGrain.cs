using Gateway.Contracts.Audit;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Orleans.Concurrency;

namespace Gateway.Grains.Audit;

/// <summary>Appends admin actions to the day's audit stream and reads them back; runs locally on every silo.</summary>
[StatelessWorker]
internal sealed class AdminAuditGrain(IEventWriter writer, AdminAuditQueries queries, TimeProvider time) : Grain, IAdminAuditGrain
{
    public async Task RecordAsync(AdminAction action)
    {
        var now = time.GetUtcNow();
        var recorded = new AdminActionRecorded(action.Actor, action.Action, action.Target, action.ClientAddress, action.Status, action.Detail, now);
        await writer.AppendAsync([new StreamAppend(AdminAuditStreams.For(now), true, [recorded])]);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query)
    {
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        var (items, total) = await queries.QueryAsync(new AdminAuditFilter(query.From, query.To, query.Actor, query.Action, (page - 1) * size, size));
        return new AuditPage(items.Select(e => new AuditEntry(e.At, e.Actor, e.Action, e.Target, e.ClientAddress, e.Status, e.Detail)).ToList(),
            total, page, size);
    }
}
