using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// One quota scope (key = <see cref="QuotaKeys"/>): a sliding window of the certificates issued in this scope, one
/// activation in the cluster so concurrent reservations are counted exactly. The window is rebuilt from the store's
/// issued certificates on activation (and whenever a longer window is asked for), so it survives deactivation, a
/// restart and a move to another silo; reservations made since are kept in memory, keyed by enrollment id.
/// </summary>
internal sealed class QuotaGrain(EnrollmentQueries queries, TimeProvider time, ILogger<QuotaGrain> logger) : Grain, IQuotaGrain
{
    // Counted enrollments, oldest first, and their ids (a reservation id appears once).
    private readonly List<(DateTimeOffset At, string Id)> _entries = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    // _entries is complete from this instant on (null: nothing loaded yet).
    private DateTimeOffset? _completeSince;

    public async Task<QuotaReservation> ReserveAsync(string reservationId, int limit, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var now = time.GetUtcNow();
        var since = now - window;
        await LoadAsync(since, now);
        Prune(since);

        if (_ids.Contains(reservationId)) return new QuotaReservation(true, Math.Min(_entries.Count - 1, limit));
        if (_entries.Count >= limit) return new QuotaReservation(false, limit);
        var before = _entries.Count;
        Insert(now, reservationId);
        return new QuotaReservation(true, before);
    }

    public Task ReleaseAsync(string reservationId)
    {
        if (_ids.Remove(reservationId))
        {
            _entries.RemoveAt(_entries.FindLastIndex(e => e.Id == reservationId));
        }
        return Task.CompletedTask;
    }

    /// <summary>Reads the issued certificates of [<paramref name="since"/>, what is already loaded) from the store.</summary>
    private async Task LoadAsync(DateTimeOffset since, DateTimeOffset now)
    {
        if (_completeSince is { } complete && complete <= since) return;
        var key = this.GetPrimaryKeyString();
        if (!QuotaKeys.TryParse(key, out var profile, out var requester))
        {
            throw new InvalidOperationException($"'{key}' is not a quota key.");
        }
        var issued = await queries.IssuedBetweenAsync(profile, requester, since, _completeSince);
        foreach (var entry in issued)
        {
            if (!_ids.Contains(entry.EnrollmentId)) Insert(entry.IssuedAt, entry.EnrollmentId);
        }
        _completeSince = since;
        logger.LogDebug("Quota {Scope}: {Count} certificate(s) issued since {Since:u} loaded from the store ({Total} counted)",
            key, issued.Count, since, _entries.Count);
    }

    private void Prune(DateTimeOffset since)
    {
        var stale = 0;
        while (stale < _entries.Count && _entries[stale].At <= since) _ids.Remove(_entries[stale++].Id);
        if (stale > 0)
        {
            _entries.RemoveRange(0, stale);
            _completeSince = since;
        }
    }

    private void Insert(DateTimeOffset at, string id)
    {
        var index = _entries.Count;
        while (index > 0 && _entries[index - 1].At > at) index--;
        _entries.Insert(index, (at, id));
        _ids.Add(id);
    }
}
