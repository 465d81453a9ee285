using System.Threading.Channels;
using Marten;

namespace Gateway.Store;

/// <summary>
/// Answers "does this stream exist?" for many concurrent callers with one query per group,
/// <c>select id from mt_streams where id = any($1)</c>, as the group-commit writer does for writes. Every EST, SCEP
/// and CMP enrollment asks it once for its transaction before deciding; asked one by one, each question was a round
/// trip and a transaction of its own (measured under est-enroll: a tenth of PostgreSQL's CPU per enrollment). A
/// failed query fails every question of its group; callers retry as for any read.
/// </summary>
public sealed class StreamProbe : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private readonly IDocumentStore _store;
    private readonly Channel<Question> _questions = Channel.CreateUnbounded<Question>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public StreamProbe(IDocumentStore store)
    {
        _store = store;
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
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand($"select id from {_store.Options.Events.DatabaseSchemaName}.mt_streams where id = any($1)", connection)
        {
            Parameters = { new Npgsql.NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar, Value = ids } },
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
    }

    private sealed class Question(string streamId)
    {
        public string StreamId { get; } = streamId;
        public TaskCompletionSource<bool> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
