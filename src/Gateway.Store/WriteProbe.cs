using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>
/// A real durable write, for readiness: one row per node (<see cref="WriteProbeDocument"/>), overwritten, committed like
/// any certificate (same database, same <c>synchronous_commit</c>), so the probe proves commits go through without
/// growing the database.
/// </summary>
public sealed class WriteProbe(IDocumentStore store)
{
    public async Task WriteAsync(string node, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new WriteProbeDocument { Id = node, At = at });
        await session.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
