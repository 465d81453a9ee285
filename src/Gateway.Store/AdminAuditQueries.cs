using Gateway.Store.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Store;

/// <summary>
/// Read side of the admin audit log, filtered and paged, newest first. An entry is either an <see cref="AdminActionRecorded"/>
/// event (its own row: most actions, and admin enrollments recorded before decisions carried their entry) or the
/// <see cref="AdminAuditData"/> an enrollment decision carries (an admin enrollment, committed with its decision; the
/// enrollment is the target, the decision's time the time). Both come back as <see cref="AdminActionRecorded"/>.
/// </summary>
public sealed class AdminAuditQueries
{
    private readonly IDocumentStore _store;
    private readonly string _count;
    private readonly string _page;

    public AdminAuditQueries(IDocumentStore store)
    {
        _store = store;
        var events = ((DocumentStore)store).Events;
        string Name(Type type) => events.EventMappingFor(type).EventTypeName.Replace("'", "''", StringComparison.Ordinal);
        var decisions = string.Join(", ", new[] { typeof(EnrollmentApproved), typeof(EnrollmentPending), typeof(EnrollmentRejected) }.Select(t => $"'{Name(t)}'"));
        // One scan of the events for both forms; the filters apply to the entry, whichever form it has. A decision's
        // payload is bytea (JsonEventPayloads): only those that name an Audit member (a JSON string cannot hold the
        // unescaped quotes) are converted to jsonb.
        const string AuditMember = "'\"Audit\":{'::bytea";
        var entries = $"""
            select e.data->>'Actor' as actor, e.data->>'Action' as action, e.data->>'Target' as target, e.data->>'ClientAddress' as client,
                   (e.data->>'Status')::int as status, e.data->>'Detail' as detail, (e.data->>'At')::timestamptz as at
              from {events.DatabaseSchemaName}.mt_events e where e.type = '{Name(typeof(AdminActionRecorded))}'
            union all
            select e.data->'Audit'->>'Actor', e.data->'Audit'->>'Action', e.data->>'EnrollmentId', e.data->'Audit'->>'ClientAddress',
                   (e.data->'Audit'->>'Status')::int, e.data->'Audit'->>'Detail', (e.data->>'At')::timestamptz
              from (select {JsonEventPayloads.Sql("d")} as data from {events.DatabaseSchemaName}.mt_events d
                     where d.type in ({decisions}) and (d.bdata is null or position({AuditMember} in d.bdata) > 0)) e
             where e.data ? 'Audit' and jsonb_typeof(e.data->'Audit') = 'object'
            """;
        const string Where = "($1::timestamptz is null or a.at >= $1) and ($2::timestamptz is null or a.at < $2) and ($3::text is null or a.actor = $3) and ($4::text is null or a.action = $4)";
        _count = $"select count(*) from ({entries}) a where {Where}";
        _page = $"select a.actor, a.action, a.target, a.client, a.status, a.detail, a.at from ({entries}) a where {Where} order by a.at desc offset $5 limit $6";
    }

    public async Task<(IReadOnlyList<AdminActionRecorded> Items, long Total)> QueryAsync(AdminAuditFilter filter, CancellationToken ct = default)
    {
        await using var connection = ((DocumentStore)_store).Storage.Database.CreateConnection();
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(_count, filter));
        var page = Command(_page, filter);
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = Math.Max(0, filter.Skip) });
        page.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = Math.Max(0, filter.Take) });
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var items = new List<AdminActionRecorded>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            items.Add(new AdminActionRecorded(
                reader.IsDBNull(0) ? "" : reader.GetString(0),
                reader.IsDBNull(1) ? "" : reader.GetString(1),
                reader.IsDBNull(2) ? "" : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? 0 : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return (items, total);
    }

    private static NpgsqlBatchCommand Command(string sql, AdminAuditFilter filter)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.From?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.To?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = string.IsNullOrWhiteSpace(filter.Actor) ? DBNull.Value : filter.Actor });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = string.IsNullOrWhiteSpace(filter.Action) ? DBNull.Value : filter.Action });
        return command;
    }
}
