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
/// The probe runs on a small pool of its own, made from the store's connection string, whose statements are never prepared,
/// so PostgreSQL plans each probe for its array (index lookups per key). The store's pool prepares every
/// statement it sees twice; prepared, the earlier probe of <c>mt_streams</c> got a generic plan while the table was still
/// small, a sequential scan, and kept it as the table grew until an autoanalyze: under est-enroll from a fresh store, 2,533
/// sequential scans reading 67 million rows in 75 s, 4.9 ms per probe, PostgreSQL's CPU per enrollment 0.46–0.55 ms
/// against admin-enroll's 0.36 (load-tests/README.md, loop row 32).
/// </para>
/// </summary>
public sealed class EnrollmentProbe : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private readonly string _sql;
    private readonly NpgsqlDataSource _unprepared;
    private readonly Channel<Question> _questions = Channel.CreateUnbounded<Question>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="store">The event store: its enrollment table.</param>
    /// <param name="connectionString">The store's connection string: the probe's own pool of unprepared statements is made from it.</param>
    public EnrollmentProbe(IDocumentStore store, string connectionString)
    {
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(Records.EnrollmentRecord)).TableName.QualifiedName;
        _sql = $"select id, request_key from {table} where id = any($1) or request_key = any($1)";
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 0,
            NoResetOnClose = true, // as the store's: the probe sets no session state
            MaxPoolSize = 4, // one query at a time from the loop; a few for reconnects
            ApplicationName = "gateway-enrollment-probe",
        };
        _unprepared = NpgsqlDataSource.Create(builder.ConnectionString);
        _loop = Task.Run(RunAsync);
    }

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
        await using var connection = _unprepared.CreateConnection();
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
        await _unprepared.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Question(string key)
    {
        public string Key { get; } = key;
        public TaskCompletionSource<string?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
