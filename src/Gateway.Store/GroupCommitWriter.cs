using System.Threading.Channels;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Store;

/// <summary>
/// Group commit: units from concurrent callers are appended in one Marten session and committed in one transaction;
/// each caller's task completes after that commit. If a grouped commit fails, its units are retried one by one so a
/// single bad unit (a colliding stream) fails alone. The queue is bounded (<see cref="GatewayStoreOptions.CommitQueueLimit"/>):
/// past it a unit is refused at once with <see cref="CommitQueueFullException"/>.
/// </summary>
public sealed class GroupCommitWriter : IEventWriter, IAsyncDisposable
{
    private readonly IDocumentStore _store;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly StoreMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly int _maxBatch;
    private readonly int _queueLimit;
    private int _queued;
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _loops;
    private readonly SemaphoreSlim[] _stripes;
    private readonly NewStreamWriter? _newStreams;

    public GroupCommitWriter(
        IDocumentStore store, IOptions<GatewayStoreOptions> options, StoreMetrics metrics, TimeProvider time, ILogger<GroupCommitWriter> logger)
    {
        _store = store;
        _logger = logger;
        _metrics = metrics;
        _time = time;
        _maxBatch = Math.Max(1, options.Value.MaxBatchSize);
        _queueLimit = Math.Max(1, options.Value.CommitQueueLimit);
        var writers = Math.Max(1, options.Value.Writers);
        _stripes = writers == 1 ? [new SemaphoreSlim(1, 1)] : Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        _newStreams = options.Value.SetBasedAppends
            ? NewStreamWriter.TryCreate(store, logger)
            : null;
        _loops = Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task AppendAsync(IReadOnlyList<StreamAppend> unit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (Interlocked.Increment(ref _queued) > _queueLimit)
        {
            Interlocked.Decrement(ref _queued);
            _logger.LogWarning("Commit queue full ({Limit} units waiting); a unit was refused", _queueLimit);
            return Task.FromException(new CommitQueueFullException(_queueLimit));
        }
        var pending = new Pending(unit);
        if (!_channel.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(GroupCommitWriter));
        }
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Units waiting for a writer (not yet taken into a commit): a readiness and metrics value.</summary>
    public int QueuedUnits => Volatile.Read(ref _queued);

    /// <summary>The most units that may wait (<see cref="GatewayStoreOptions.CommitQueueLimit"/>).</summary>
    public int QueueLimit => _queueLimit;

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
                Interlocked.Decrement(ref _queued);
            }
            if (batch.Count == 0) continue;
            var setBased = _newStreams is not null && batch.TrueForAll(p => _newStreams.CanWrite(p.Unit));
            try
            {
                await CommitAsync(batch, setBased).ConfigureAwait(false);
                foreach (var p in batch) p.Completion.TrySetResult();
            }
            catch (Exception ex) when (setBased)
            {
                // Nothing of the group was committed. Marten's session, one unit at a time, tells which unit failed and why.
                _logger.LogDebug(ex, "Set-based commit of {Count} units failed; committing them one by one through Marten", batch.Count);
                foreach (var p in batch) await CommitAloneAsync(p).ConfigureAwait(false);
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                _logger.LogDebug(ex, "Grouped commit of {Count} units failed; retrying them one by one", batch.Count);
                foreach (var p in batch) await CommitAloneAsync(p).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsVersionClash(ex))
            {
                await CommitAloneAsync(batch[0]).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(await MapAsync(ex, batch[0].Unit).ConfigureAwait(false));
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// Commits one unit on its own. When it clashes on a stream version and none of its versioned streams has moved, an
    /// append without an expected version lost the race for the stream's next version to another transaction: it asked
    /// for no version and the unit failed as a whole, so it is committed again (a few times) instead of failing.
    /// </summary>
    private async Task CommitAloneAsync(Pending p)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitAsync([p], setBased: false).ConfigureAwait(false);
                p.Completion.TrySetResult();
                return;
            }
            catch (Exception ex) when (attempt < UnversionedRaceAttempts && IsVersionClash(ex))
            {
                if (p.Unit.Any(a => a.ExpectedVersion is not null) && await MovedStreamAsync(p.Unit).ConfigureAwait(false) is not null)
                {
                    p.Completion.TrySetException(await MapAsync(ex, p.Unit).ConfigureAwait(false));
                    return;
                }
                _logger.LogDebug("A unit lost the race for a stream version it did not ask for; committing it again");
                // Let the winner's transaction (on another node) finish; the wait grows so a busy stream cannot starve a unit.
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(100, 1 << Math.Min(attempt, 7)))).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                p.Completion.TrySetException(await MapAsync(ex, p.Unit).ConfigureAwait(false));
                return;
            }
        }
    }

    private const int UnversionedRaceAttempts = 16;

    /// <summary>
    /// Two events at one stream version: an expected version that did not hold, or two transactions appending to one
    /// stream at once (PostgreSQL's unique key on stream and version, which Marten reports as the same failure).
    /// </summary>
    private static bool IsVersionClash(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException) return true;
        }
        return StoreFailure.IsUniqueViolation(exception, "events_stream_and_version");
    }

    /// <summary>
    /// One transaction for <paramref name="units"/>, measured (batch size and duration): set-based when
    /// <paramref name="setBased"/> (units that only start new streams), else through Marten's session.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<Pending> units, bool setBased)
    {
        var locks = setBased ? [] : await LockUnversionedStreamsAsync(units).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var committed = false;
        try
        {
            if (setBased && !await _newStreams!.WriteAsync(units.Select(u => u.Unit).ToArray(), _time.GetUtcNow()).ConfigureAwait(false))
            {
                setBased = false; // the tables are not the ones it writes: it is off from now on
            }
            if (!setBased) await AppendAndSaveAsync(units).ConfigureAwait(false);
            committed = true;
        }
        finally
        {
            _metrics.RecordCommit(units.Count, _time.GetElapsedTime(started), committed, setBased ? StoreMetrics.SetBasedPath : StoreMetrics.SessionPath);
            foreach (var l in locks) l.Release();
        }
    }

    /// <summary>
    /// Two writer loops of this node appending to one existing stream without an expected version would race for its
    /// next version (Marten reads it, then inserts): the loser's whole unit fails. So a commit holding such appends takes
    /// the stripe locks of their streams first (in stripe order, so loops cannot deadlock); only other nodes can still
    /// race, and that is retried in <see cref="CommitAloneAsync"/>.
    /// </summary>
    private async Task<SemaphoreSlim[]> LockUnversionedStreamsAsync(IReadOnlyList<Pending> units)
    {
        if (_stripes.Length == 1) return [];
        SortedSet<int>? stripes = null;
        foreach (var unit in units)
        {
            foreach (var append in unit.Unit)
            {
                if (append.StartNew || append.ExpectedVersion is not null) continue;
                (stripes ??= []).Add((int)((uint)StringComparer.Ordinal.GetHashCode(append.StreamId) % (uint)_stripes.Length));
            }
        }
        if (stripes is null) return [];
        var taken = new SemaphoreSlim[stripes.Count];
        var i = 0;
        foreach (var stripe in stripes)
        {
            await _stripes[stripe].WaitAsync().ConfigureAwait(false);
            taken[i++] = _stripes[stripe];
        }
        return taken;
    }

    private async Task AppendAndSaveAsync(IReadOnlyList<Pending> units)
    {
        await using var session = _store.LightweightSession();
        foreach (var unit in units)
        {
            foreach (var append in unit.Unit)
            {
                if (append.StartNew)
                {
                    session.Events.StartStream(append.StreamId, append.Events.ToArray());
                }
                else if (append.ExpectedVersion is { } expected)
                {
                    // Marten checks the version the stream will have after the append.
                    session.Events.Append(append.StreamId, expected + append.Events.Count, append.Events.ToArray());
                }
                else
                {
                    session.Events.Append(append.StreamId, append.Events.ToArray());
                }
            }
        }
        await session.SaveChangesAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Marten's collision exception does not reliably name the stream that existed, so ask the store which of the
    /// unit's new streams is there (only on this failure path).
    /// </summary>
    private async Task<Exception> MapAsync(Exception ex, IReadOnlyList<StreamAppend> unit)
    {
        if (ex is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException
            && unit.FirstOrDefault(a => a.ExpectedVersion is not null) is { } versioned)
        {
            // Name the stream that moved (a unit may hold several versioned appends: the enrollment, a credential, quota slots).
            return new StreamVersionConflictException(await MovedStreamAsync(unit).ConfigureAwait(false) ?? versioned.StreamId, ex);
        }
        if (RequestKeyTakenException.Is(ex)) return new RequestKeyTakenException(ex);
        if (ex is not (ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException)) return ex;
        try
        {
            await using var session = _store.QuerySession();
            foreach (var append in unit.Where(a => a.StartNew))
            {
                if (await session.Events.FetchStreamStateAsync(append.StreamId).ConfigureAwait(false) is not null)
                {
                    return new StreamCollisionException(append.StreamId, ex);
                }
            }
        }
        catch (Exception lookup) when (lookup is not OperationCanceledException)
        {
            _logger.LogWarning(lookup, "Could not tell which stream collided");
        }
        return new StreamCollisionException(unit.FirstOrDefault(a => a.StartNew)?.StreamId ?? "?", ex);
    }

    /// <summary>The first versioned append of <paramref name="unit"/> whose stream is no longer at the expected version; null when none can be told.</summary>
    private async Task<string?> MovedStreamAsync(IReadOnlyList<StreamAppend> unit)
    {
        try
        {
            await using var session = _store.QuerySession();
            foreach (var append in unit.Where(a => a.ExpectedVersion is not null))
            {
                var state = await session.Events.FetchStreamStateAsync(append.StreamId).ConfigureAwait(false);
                if ((state?.Version ?? 0) != append.ExpectedVersion) return append.StreamId;
            }
        }
        catch (Exception lookup) when (lookup is not OperationCanceledException)
        {
            _logger.LogWarning(lookup, "Could not tell which stream moved");
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private sealed class Pending(IReadOnlyList<StreamAppend> unit)
    {
        public IReadOnlyList<StreamAppend> Unit { get; } = unit;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
