using System.Threading.Channels;
using Marten;
using Npgsql;

namespace Gateway.Store;

/// <summary>
/// Answers "which enrollment is stored under this key?" for many concurrent callers with one query per group, as the
/// group-commit writer does for writes: <c>select id, request_key from mt_doc_enrollmentrecord where id = any($1) or
/// request_key = any($1)</c>. A key is an enrollment's id (SCEP and CMP transactions, the admin API's, enrollments
/// recorded before request keys) or the request key of an enrollment recorded under a time-ordered id of its own (EST,
/// <see cref="Records.EnrollmentRecord.RequestKey"/>); the id wins when both match. Every EST, SCEP and CMP enrollment
/// asks once for its transaction before deciding; asked one by one, each question was a round trip and a transaction
/// of its own (measured under est-enroll: a tenth of PostgreSQL's CPU per enrollment). A failed query fails every
/// question of its group; callers retry as for any read.
/// <para>
/// The probe runs on a small pool of its own, made from the store's connection string, where its one statement is
/// prepared at its first use with a generic plan (<c>plan_cache_mode = force_generic_plan</c>, set on each new
/// connection) that may not scan the table (<c>enable_seqscan = off</c>): index look-ups per key (a bitmap OR of the
/// primary key and the request-key index) however small the table was when the plan was made. Before, the store's
/// pool prepared every statement it saw twice, and the earlier probe of <c>mt_streams</c> got a generic plan while the
/// table was still small, a sequential scan, and kept it as the table grew: under est-enroll from a fresh store, 2,533
/// sequential scans reading 67 million rows in 75 s (load-tests/README.md, loop row 32). Then the probe was never
/// prepared, and PostgreSQL parsed and planned every probe: 0.125 ms of planning against 0.073 ms of execution per
/// probe (loop row 53).
/// </para>
/// </summary>
public sealed class EnrollmentProbe : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private readonly string _sql;
    private readonly NpgsqlDataSource _pool;
    private readonly Channel<Question> _questions = Channel.CreateUnbounded<Question>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="store">The event store: its enrollment table.</param>
    /// <param name="connectionString">The store's connection string: the probe's own pool is made from it.</param>
    public EnrollmentProbe(IDocumentStore store, string connectionString)
    {
        _sql = Sql(store);
        _pool = CreatePool(connectionString);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The probe's statement for <paramref name="store"/>'s enrollment table; its one parameter is the keys.</summary>
    internal static string Sql(IDocumentStore store)
    {
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(Records.EnrollmentRecord)).TableName.QualifiedName;
        return $"select id, request_key from {table} where id = any($1) or request_key = any($1)";
    }

    /// <summary>
    /// The probe's pool, from the store's <paramref name="connectionString"/>: its statement prepared at the first use,
    /// under a generic plan that looks keys up in the indexes (see the class's remarks). The two settings are made by SQL
    /// on each new connection rather than as startup options, which a connection pooler in front of PostgreSQL may refuse.
    /// </summary>
    internal static NpgsqlDataSource CreatePool(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxAutoPrepare = 1;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 1;
        builder.ConnectionStringBuilder.NoResetOnClose = true; // as the store's; and the settings and the prepared statement last as long as the connection
        builder.ConnectionStringBuilder.MaxPoolSize = 4; // one query at a time from the loop; a few for reconnects
        builder.ConnectionStringBuilder.ApplicationName = "gateway-enrollment-probe";
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(SessionSettings, connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(SessionSettings, connection);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            });
        return builder.Build();
    }

    /// <summary>The probe's session settings: one generic plan, made without sequential scans.</summary>
    private const string SessionSettings = "set plan_cache_mode = force_generic_plan; set enable_seqscan = off";

    /// <summary>The id of the enrollment stored under <paramref name="key"/> (its id, or its request key); null when there is none.</summary>
    public Task<string?> ResolveAsync(string key, CancellationToken ct = default)
    {
        var question = new Question(key);
        if (!_questions.Writer.TryWrite(question)) throw new ObjectDisposedException(nameof(EnrollmentProbe));
        return question.Answer.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        var group = new List<Question>(MaxGroup);
        var reader = _questions.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxGroup && reader.TryRead(out var question)) group.Add(question);
            try
            {
                var found = await QueryAsync(group.Select(q => q.Key).Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
                foreach (var q in group) q.Answer.TrySetResult(found.GetValueOrDefault(q.Key));
            }
            catch (Exception ex)
            {
                foreach (var q in group) q.Answer.TrySetException(ex);
            }
            group.Clear();
        }
    }

    private async Task<Dictionary<string, string>> QueryAsync(string[] keys)
    {
        await using var connection = _pool.CreateConnection();
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_sql, connection)
        {
            Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar, Value = keys } },
        };
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            found[id] = id; // a key that is an enrollment's id is that enrollment, whatever else names it
            if (!reader.IsDBNull(1)) found.TryAdd(reader.GetString(1), id);
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        _questions.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Question(string key)
    {
        public string Key { get; } = key;
        public TaskCompletionSource<string?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
