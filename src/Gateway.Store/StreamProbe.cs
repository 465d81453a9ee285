using System.Threading.Channels;
using Marten;
using Npgsql;

namespace Gateway.Store;

/// <summary>
/// Answers "does this stream exist?" for many concurrent callers with one query per group,
/// <c>select id from mt_streams where id = any($1)</c>, as the group-commit writer does for writes. Every EST, SCEP
/// and CMP enrollment asks it once for its transaction before deciding; asked one by one, each question was a round
/// trip and a transaction of its own (measured under est-enroll: a tenth of PostgreSQL's CPU per enrollment). A
/// failed query fails every question of its group; callers retry as for any read.
/// <para>
/// The probe runs on a small pool of its own, made from the store's connection string, whose statements are never prepared,
/// so PostgreSQL plans each probe for its array (a primary-key lookup per id). The store's pool prepares every
/// statement it sees twice; prepared, this one got a generic plan while <c>mt_streams</c> was still small, a
/// sequential scan, and kept it as the table grew until an autoanalyze: under est-enroll from a fresh store, 2,533
/// sequential scans reading 67 million rows in 75 s, 4.9 ms per probe, PostgreSQL's CPU per enrollment 0.46–0.55 ms
/// against admin-enroll's 0.36 (load-tests/README.md, loop row 32).
/// </para>
/// </summary>
public sealed class StreamProbe : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private readonly IDocumentStore _store;
    private readonly NpgsqlDataSource _unprepared;
    private readonly Channel<Question> _questions = Channel.CreateUnbounded<Question>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="store">The event store: its schema.</param>
    /// <param name="connectionString">The store's connection string: the probe's own pool of unprepared statements is made from it.</param>
    public StreamProbe(IDocumentStore store, string connectionString)
    {
        _store = store;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 0,
            NoResetOnClose = true, // as the store's: the probe sets no session state
            MaxPoolSize = 4, // one query at a time from the loop; a few for reconnects
            ApplicationName = "gateway-stream-probe",
        };
        _unprepared = NpgsqlDataSource.Create(builder.ConnectionString);
        _loop = Task.Run(RunAsync);
    }

    public Task<bool> ExistsAsync(string streamId, CancellationToken ct = default)
    {
        var question = new Question(streamId);
        if (!_questions.Writer.TryWrite(question)) throw new ObjectDisposedException(nameof(StreamProbe));
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
                var found = await QueryAsync(group.Select(q => q.StreamId).Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
                foreach (var q in group) q.Answer.TrySetResult(found.Contains(q.StreamId));
            }
            catch (Exception ex)
            {
                foreach (var q in group) q.Answer.TrySetException(ex);
            }
            group.Clear();
        }
    }

    private async Task<HashSet<string>> QueryAsync(string[] ids)
    {
        await using var connection = _unprepared.CreateConnection();
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"select id from {_store.Options.Events.DatabaseSchemaName}.mt_streams where id = any($1)", connection)
        {
            Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar, Value = ids } },
        };
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false)) found.Add(reader.GetString(0));
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        _questions.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _unprepared.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Question(string streamId)
    {
        public string StreamId { get; } = streamId;
        public TaskCompletionSource<bool> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
