using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>
/// A certificate's DER lives in its stream's <c>certificate_issued</c> event only: the inventory row
/// (<see cref="CertificateRecord"/>) does not store it again (about 0.9 kB of JSON per certificate that PostgreSQL would
/// parse, write to the WAL and store twice). Every query that hands out records fills it from the event, in one
/// statement for a page of records (the <c>(stream_id, version)</c> index).
/// </summary>
internal static class CertificateDer
{
    private sealed record Row(string Id, byte[] Der);

    public static async Task<CertificateRecord?> FillAsync(IQuerySession session, CertificateRecord? record, CancellationToken ct)
    {
        if (record is not null) await FillAsync(session, [record], ct).ConfigureAwait(false);
        return record;
    }

    public static async Task<IReadOnlyList<CertificateRecord>> FillAsync(IQuerySession session, IReadOnlyList<CertificateRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return records;
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var ids = records.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToArray();
        var rows = await session.QueryAsync<Row>(
            $"select jsonb_build_object('Id', e.stream_id, 'Der', {JsonEventPayloads.Sql("e")} -> 'Der') from {schema}.mt_events e where e.stream_id = any(?) and e.type = 'certificate_issued'",
            ct, new object[] { ids }).ConfigureAwait(false); // one array parameter, not the params array itself
        var byId = new Dictionary<string, byte[]>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows) byId[row.Id] = row.Der;
        foreach (var record in records)
        {
            record.Der = byId.TryGetValue(record.Id, out var der) ? der : [];
        }
        return records;
    }
}
