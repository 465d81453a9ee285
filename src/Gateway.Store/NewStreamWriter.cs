using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using Gateway.Contracts;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Linq.Members;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Store;

/// <summary>
/// Writes a group commit whose units only start new streams (an enrollment and its certificate, an ACME order) in one
/// round trip of set-based statements: one insert into <c>mt_streams</c>, one into <c>mt_events</c> and one per
/// inline snapshot table, each taking arrays for the whole group, in PostgreSQL's implicit transaction of one batch
/// (one commit, all or nothing). Marten's session instead runs its <c>mt_quick_append_events</c> function once per
/// stream (a plpgsql executor start per event) and one insert per snapshot, inside BEGIN and COMMIT.
/// <para>
/// The rows are the ones Marten writes: event type names, .NET type names and JSON from Marten's own mapping and
/// serializer (for an event type with a binary serializer, <see cref="JsonEventPayloads"/>, Marten's <c>'{}'</c> in
/// <c>data</c> and the payload in <c>bdata</c>); snapshot documents folded by the records' Create/Apply methods (<see cref="SnapshotFold"/>), with their
/// duplicated columns from Marten's document mapping; stream and document versions equal to the stream's event count.
/// <c>NewStreamWriterTests</c> compares them with what Marten's session writes for the same events.
/// </para>
/// <para>
/// Anything else (an append to an existing stream, an expected version, an event a session listener acts on, a record
/// type or column this class does not know) is not eligible: <see cref="CanWrite"/> says no and the group commit uses
/// Marten's session. If the tables hold columns this class does not write, it disables itself at the first write.
/// </para>
/// </summary>
public sealed class NewStreamWriter
{
    private static readonly HashSet<string> KnownEventColumns =
        ["seq_id", "id", "stream_id", "version", "data", "bdata", "type", "timestamp", "tenant_id", "mt_dotnet_type", "is_archived"];
    private static readonly HashSet<string> KnownStreamColumns =
        ["id", "type", "version", "timestamp", "created", "tenant_id", "compacted_version", "is_archived"];
    private static readonly HashSet<string> DocumentColumns = ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version"];

    private readonly DocumentStore _store;
    private readonly ILogger _logger;
    private readonly string _schema;
    private readonly string _insertStreams;
    private readonly string _insertEvents;
    private readonly IReadOnlyList<Snapshot> _snapshots;
    private readonly ConcurrentDictionary<Type, EventKind> _eventTypes = new();
    private readonly HashSet<Type> _excludedEvents;
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];
    private volatile bool _disabled;
    private Task<bool>? _schemaChecked;

    private NewStreamWriter(DocumentStore store, string schema, IReadOnlyList<Snapshot> snapshots, HashSet<Type> excludedEvents, ILogger logger)
    {
        _store = store;
        _schema = schema;
        _insertStreams = $"insert into {schema}.mt_streams (id, type, version, timestamp, tenant_id) select s.id, null, s.version, now(), $3 from unnest($1, $2) as s(id, version)";
        // A binary event (JsonEventPayloads) has Marten's '{}' in data and its payload in bdata; a JSON one an empty bdata, stored as null.
        _insertEvents = $"insert into {schema}.mt_events (seq_id, id, stream_id, version, data, bdata, type, tenant_id, timestamp, mt_dotnet_type, is_archived) "
            + $"select nextval('{schema}.mt_events_sequence'), e.id, e.stream_id, e.version, e.data, nullif(e.bdata, ''::bytea), e.type, $8, $9, e.dotnet_type, false "
            + "from unnest($1, $2, $3, $4, $5, $6, $7) as e(id, stream_id, version, data, bdata, type, dotnet_type)";
        _snapshots = snapshots;
        _excludedEvents = excludedEvents;
        _logger = logger;
    }

    /// <summary>The writer for the gateway's store: its inline snapshots, and revocations left to the session's notify listener.</summary>
    public static NewStreamWriter? TryCreate(IDocumentStore store, ILogger logger) =>
        TryCreate(store, StoreServiceCollectionExtensions.InlineSnapshots, RevocationNotifyListener.NotifyingEvents, logger);

    /// <summary>
    /// The writer for <paramref name="store"/> with the inline snapshots <paramref name="snapshotTypes"/>, or null when
    /// the store is configured in a way this class does not write (multi-tenancy, Guid stream ids, a snapshot record
    /// without a plain Create/Apply fold, a duplicated column of a type it does not map).
    /// </summary>
    public static NewStreamWriter? TryCreate(IDocumentStore store, IEnumerable<Type> snapshotTypes, IEnumerable<Type> excludedEvents, ILogger logger)
    {
        if (store is not DocumentStore documentStore) return null;
        var events = documentStore.Events;
        if (events.StreamIdentity != StreamIdentity.AsString || events.TenancyStyle != JasperFx.MultiTenancy.TenancyStyle.Single) return null;
        var snapshots = new List<Snapshot>();
        foreach (var type in snapshotTypes)
        {
            var fold = SnapshotFold.For(type);
            var mapping = ((IReadOnlyStoreOptions)documentStore.Options).FindOrResolveDocumentType(type);
            if (fold is null || mapping.IdMember is not PropertyInfo { CanWrite: true } id || id.PropertyType != typeof(string) || mapping.UseOptimisticConcurrency || mapping.IsHierarchy() || mapping.TenancyStyle != JasperFx.MultiTenancy.TenancyStyle.Single)
            {
                logger.LogInformation("Set-based appends are off: the snapshot {Type} is not one they can write", type.Name);
                return null;
            }
            var columns = new List<DuplicatedColumn>();
            var idProperty = (PropertyInfo)mapping.IdMember;
            foreach (var field in mapping.DuplicatedFields)
            {
                if (DuplicatedColumn.For(field) is not { } column)
                {
                    logger.LogInformation("Set-based appends are off: the column {Column} of {Type} is not one they can write", field.ColumnName, type.Name);
                    return null;
                }
                columns.Add(column);
            }
            snapshots.Add(new Snapshot(fold, mapping.TableName.QualifiedName, type.FullName!, idProperty, columns));
        }
        return new NewStreamWriter(documentStore, events.DatabaseSchemaName, snapshots, [.. excludedEvents], logger);
    }

    /// <summary>Whether <paramref name="unit"/> only starts new streams whose events and snapshots this class writes as Marten would.</summary>
    public bool CanWrite(IReadOnlyList<StreamAppend> unit)
    {
        if (_disabled || unit.Count == 0) return false;
        foreach (var append in unit)
        {
            if (!append.StartNew || append.ExpectedVersion is not null || append.Events.Count == 0) return false;
            foreach (var e in append.Events)
            {
                var type = e.GetType();
                if (!type.IsSealed || _excludedEvents.Contains(type)) return false;
            }
            foreach (var snapshot in _snapshots)
            {
                if (snapshot.Fold.HandlesAny(append.Events) && !snapshot.Fold.CanFold(append.Events)) return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Commits <paramref name="units"/> (each checked with <see cref="CanWrite"/>) in one transaction. False, with
    /// nothing written, when the tables turn out not to be the ones this class writes (it then stays off).
    /// </summary>
    public async Task<bool> WriteAsync(IReadOnlyList<IReadOnlyList<StreamAppend>> units, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct).ConfigureAwait(false);
        if (!await SchemaMatchesAsync(connection, ct).ConfigureAwait(false)) return false;

        // JSON as UTF-8 straight from Marten's serializer, each a slice of one buffer: no .NET string per document
        // (which Npgsql would only encode back to UTF-8). The buffers are reused: a group's JSON is 100 KB or more.
        if (!_buffers.TryTake(out var json)) json = new ArrayBufferWriter<byte>(256 * 1024);
        try
        {
            await WriteAsync(connection, units, now, json, ct).ConfigureAwait(false);
        }
        finally
        {
            // The batch has run (or failed) by now: Npgsql no longer reads the slices.
            json.ResetWrittenCount();
            _buffers.Add(json);
        }
        return true;
    }

    private async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<IReadOnlyList<StreamAppend>> units, DateTimeOffset now,
        ArrayBufferWriter<byte> json, CancellationToken ct)
    {
        var streamIds = new List<string>();
        var streamVersions = new List<long>();
        var eventIds = new List<Guid>();
        var eventStreams = new List<string>();
        var eventVersions = new List<long>();
        var eventData = new List<(int Start, int Length)>();
        var eventBinary = new List<(int Start, int Length)>();
        var eventTypes = new List<string>();
        var eventDotNetTypes = new List<string>();
        var documents = _snapshots.Select(_ => new List<(string Id, object Record, long Version, (int Start, int Length) Json)>()).ToArray();
        var serializer = _store.Serializer;
        foreach (var unit in units)
        {
            foreach (var append in unit)
            {
                streamIds.Add(append.StreamId);
                streamVersions.Add(append.Events.Count);
                var version = 0L;
                foreach (var e in append.Events)
                {
                    var kind = EventType(e.GetType());
                    eventIds.Add(TimeOrderedIds.NewGuid(now));
                    eventStreams.Add(append.StreamId);
                    eventVersions.Add(++version);
                    if (kind.Binary is null)
                    {
                        eventData.Add(Write(json, serializer, e));
                        eventBinary.Add(default);
                    }
                    else
                    {
                        eventData.Add(WriteEmptyObject(json));
                        eventBinary.Add(kind.Binary is JsonEventPayloads payloads ? Write(json, payloads.Serializer, e) : Write(json, kind.Binary.Serialize(e.GetType(), e)));
                    }
                    eventTypes.Add(kind.Name);
                    eventDotNetTypes.Add(kind.DotNetName);
                }
                for (var i = 0; i < _snapshots.Count; i++)
                {
                    var snapshot = _snapshots[i];
                    if (!snapshot.Fold.HandlesAny(append.Events)) continue;
                    var record = snapshot.Fold.Fold(append.Events);
                    snapshot.Id.SetValue(record, append.StreamId);
                    documents[i].Add((append.StreamId, record, append.Events.Count, Write(json, serializer, record)));
                }
            }
        }

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(_insertStreams,
            Array(NpgsqlDbType.Varchar, streamIds.ToArray()), Array(NpgsqlDbType.Bigint, streamVersions.ToArray()), Scalar(NpgsqlDbType.Varchar, StorageConstants.DefaultTenantId)));
        batch.BatchCommands.Add(Command(_insertEvents,
            Array(NpgsqlDbType.Uuid, eventIds.ToArray()), Array(NpgsqlDbType.Varchar, eventStreams.ToArray()), Array(NpgsqlDbType.Bigint, eventVersions.ToArray()),
            Array(NpgsqlDbType.Jsonb, Slices(json, eventData)), Array(NpgsqlDbType.Bytea, Slices(json, eventBinary)),
            Array(NpgsqlDbType.Varchar, eventTypes.ToArray()), Array(NpgsqlDbType.Varchar, eventDotNetTypes.ToArray()),
            Scalar(NpgsqlDbType.Varchar, StorageConstants.DefaultTenantId), Scalar(NpgsqlDbType.TimestampTz, now.ToUniversalTime())));
        for (var i = 0; i < _snapshots.Count; i++)
        {
            if (documents[i].Count > 0) batch.BatchCommands.Add(_snapshots[i].Insert(documents[i], json));
        }
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Appends <paramref name="value"/>'s JSON to <paramref name="json"/>; its place there.</summary>
    private static (int Start, int Length) Write(ArrayBufferWriter<byte> json, ISerializer serializer, object value)
    {
        var start = json.WrittenCount;
        serializer.WriteTo(json, value);
        return (start, json.WrittenCount - start);
    }

    /// <summary>Appends <paramref name="bytes"/> (a binary event's payload from another serializer) to <paramref name="json"/>; their place there.</summary>
    private static (int Start, int Length) Write(ArrayBufferWriter<byte> json, byte[] bytes)
    {
        var start = json.WrittenCount;
        json.Write(bytes);
        return (start, bytes.Length);
    }

    /// <summary>Marten's placeholder in <c>data</c> for an event whose payload is in <c>bdata</c>.</summary>
    private static (int Start, int Length) WriteEmptyObject(ArrayBufferWriter<byte> json) => Write(json, EmptyObject);

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>The documents written to <paramref name="json"/>, as the jsonb array's elements (the buffer is complete by now).</summary>
    private static ReadOnlyMemory<byte>[] Slices(ArrayBufferWriter<byte> json, IReadOnlyList<(int Start, int Length)> places)
    {
        var written = json.WrittenMemory;
        var slices = new ReadOnlyMemory<byte>[places.Count];
        for (var i = 0; i < slices.Length; i++) slices[i] = written.Slice(places[i].Start, places[i].Length);
        return slices;
    }

    private EventKind EventType(Type type) => _eventTypes.GetOrAdd(type, static (t, store) =>
    {
        var mapping = store.Events.EventMappingFor(t);
        return new EventKind(mapping.EventTypeName, mapping.DotNetTypeName, mapping.BinarySerializer);
    }, _store);

    /// <summary>An event type's names in the store and, for one whose payload goes to <c>bdata</c>, its serializer.</summary>
    private sealed record EventKind(string Name, string DotNetName, IEventBinarySerializer? Binary);

    private Task<bool> SchemaMatchesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var check = _schemaChecked;
        if (check is null || (check.IsCompleted && !check.IsCompletedSuccessfully))
        {
            _schemaChecked = check = CheckSchemaAsync(connection, ct);
        }
        return check;
    }

    /// <summary>The events, streams and snapshot tables hold only the columns this class writes or leaves to their defaults.</summary>
    private async Task<bool> CheckSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var expected = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            [$"{_schema}.mt_events"] = KnownEventColumns,
            [$"{_schema}.mt_streams"] = KnownStreamColumns,
        };
        foreach (var snapshot in _snapshots)
        {
            expected[snapshot.Table] = [.. DocumentColumns, .. snapshot.Columns.Select(c => c.Name)];
        }
        await using var command = new NpgsqlCommand(
            "select table_schema || '.' || table_name, column_name from information_schema.columns where (table_schema || '.' || table_name) = any($1)", connection)
        {
            Parameters = { Array(NpgsqlDbType.Text, expected.Keys.ToArray()) },
        };
        var found = expected.Keys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) found[reader.GetString(0)].Add(reader.GetString(1));
        }
        foreach (var (table, columns) in expected)
        {
            // Events and streams: no column beyond those written or left to their defaults. Snapshots: exactly Marten's columns.
            var eventStore = table == $"{_schema}.mt_events" || table == $"{_schema}.mt_streams";
            if (found[table].Count == 0 || !found[table].IsSubsetOf(columns) || (!eventStore && !found[table].SetEquals(columns)))
            {
                _disabled = true;
                _logger.LogWarning("Set-based appends are off: {Table} has columns [{Found}], not the ones they write [{Expected}]",
                    table, string.Join(", ", found[table].Order()), string.Join(", ", columns.Order()));
                return false;
            }
        }
        return true;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Array(NpgsqlDbType type, object value) => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = value };

    private static NpgsqlParameter Scalar(NpgsqlDbType type, object value) => new() { NpgsqlDbType = type, Value = value };

    /// <summary>An inline snapshot: its fold, its table and its duplicated columns.</summary>
    private sealed record Snapshot(SnapshotFold Fold, string Table, string DotNetType, PropertyInfo Id, IReadOnlyList<DuplicatedColumn> Columns)
    {
        /// <summary>The insert for a group of this snapshot's documents: the same text for every group.</summary>
        private string Sql { get; } =
            $"insert into {Table} (id, data, mt_version, mt_dotnet_type, mt_last_modified{string.Concat(Columns.Select(c => ", " + c.Name))}) "
            + $"select d.id, d.data, d.version, $4, transaction_timestamp(){string.Concat(Columns.Select((_, i) => $", d.c{i}"))} "
            + $"from unnest($1, $2, $3{string.Concat(Columns.Select((_, i) => $", ${i + 5}"))}) "
            + $"as d(id, data, version{string.Concat(Columns.Select((_, i) => $", c{i}"))})";

        public NpgsqlBatchCommand Insert(List<(string Id, object Record, long Version, (int Start, int Length) Json)> documents, ArrayBufferWriter<byte> json)
        {
            var parameters = new List<NpgsqlParameter>
            {
                Array(NpgsqlDbType.Varchar, documents.Select(d => d.Id).ToArray()),
                Array(NpgsqlDbType.Jsonb, Slices(json, documents.Select(d => d.Json).ToArray())),
                Array(NpgsqlDbType.Bigint, documents.Select(d => d.Version).ToArray()),
                Scalar(NpgsqlDbType.Varchar, DotNetType),
            };
            parameters.AddRange(Columns.Select(c => c.Values(documents.Select(d => d.Record))));
            return Command(Sql, [.. parameters]);
        }
    }

    /// <summary>A duplicated column Marten keeps beside the JSON: text or a timestamp with time zone, read from the record's property.</summary>
    private sealed record DuplicatedColumn(string Name, PropertyInfo Property, NpgsqlDbType Type)
    {
        public static DuplicatedColumn? For(DuplicatedField field)
        {
            if (field.Members is not [PropertyInfo property]) return null;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type == typeof(string) && field.DbType is NpgsqlDbType.Varchar or NpgsqlDbType.Text) return new(field.ColumnName, property, field.DbType);
            if (type == typeof(DateTimeOffset) && field.DbType is NpgsqlDbType.TimestampTz) return new(field.ColumnName, property, field.DbType);
            return null;
        }

        public NpgsqlParameter Values(IEnumerable<object> records)
        {
            if (Type == NpgsqlDbType.TimestampTz)
            {
                return Array(Type, records.Select(r => Property.GetValue(r) is DateTimeOffset t ? t.ToUniversalTime() : (DateTimeOffset?)null).ToArray());
            }
            return Array(Type, records.Select(r => (string?)Property.GetValue(r)).ToArray());
        }
    }
}
