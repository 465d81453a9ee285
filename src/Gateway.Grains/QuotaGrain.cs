using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// One quota scope (key = <see cref="QuotaKeys"/>): a sliding window of the certificates issued in this scope, one
/// activation in the cluster so concurrent reservations are counted exactly and answered from memory. The window is
/// rebuilt from the store's issued certificates on activation (and whenever a longer window is asked for), so it
/// survives deactivation, a restart and a move to another silo. Reservations made since are kept in memory, keyed by
/// enrollment id, each on a slot of the quota (0..limit-1) that was free in the store: the enrollment appends to that
/// slot's stream at the version seen here, in its issuance commit. A second activation (a membership change) or an
/// activation that lost its memory in a crash can therefore never fill a slot twice: the second commit fails its
/// version check and the enrollment decides again. The limit holds in the store, not only in this activation.
/// </summary>
internal sealed class QuotaGrain(EnrollmentQueries queries, TimeProvider time, ILogger<QuotaGrain> logger) : Grain, IQuotaGrain
{
    // Counted enrollments (committed, from the store or confirmed here), oldest first, and their ids.
    private readonly List<(DateTimeOffset At, string Id)> _entries = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    // Reservations not yet committed: their time, slot and the slot's version when reserved.
    private readonly Dictionary<string, (DateTimeOffset At, int Slot, long Version)> _inFlight = new(StringComparer.Ordinal);
    // Slots as the store and this activation's commits know them: when last taken, and the stream version.
    private readonly Dictionary<int, (DateTimeOffset LastTakenAt, long Version)> _slots = [];
    private bool _slotsLoaded;
    // _entries is complete from this instant on (null: nothing loaded yet).
    private DateTimeOffset? _completeSince;

    public async Task<QuotaReservation> ReserveAsync(string reservationId, int limit, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var now = time.GetUtcNow();
        var since = now - window;
        await LoadAsync(since);
        Prune(since);

        var counted = _entries.Count + _inFlight.Count;
        if (_inFlight.TryGetValue(reservationId, out var held))
        {
            return new QuotaReservation(true, Math.Min(counted - 1, limit), held.Slot, held.Version);
        }
        if (_ids.Contains(reservationId)) return new QuotaReservation(true, Math.Min(counted - 1, limit));
        if (counted >= limit) return new QuotaReservation(false, limit);
        if (FreeSlot(limit, since) is not { } slot)
        {
            // Slots taken within the window by certificates this count does not see (e.g. under a larger earlier limit).
            return new QuotaReservation(false, limit);
        }
        var version = _slots.TryGetValue(slot, out var state) ? state.Version : 0;
        _inFlight[reservationId] = (now, slot, version);
        return new QuotaReservation(true, counted, slot, version);
    }

    public Task ReleaseAsync(string reservationId)
    {
        _inFlight.Remove(reservationId);
        return Task.CompletedTask;
    }

    public Task CommittedAsync(string reservationId, DateTimeOffset at)
    {
        if (_inFlight.Remove(reservationId, out var held))
        {
            _slots[held.Slot] = (at, held.Version + 1);
            if (_ids.Add(reservationId)) Insert(at, reservationId);
        }
        return Task.CompletedTask;
    }

    public Task ForgetAsync(string reservationId)
    {
        _inFlight.Remove(reservationId);
        // What the store holds is the truth: read the window and the slots again before the next reservation.
        _entries.Clear();
        _ids.Clear();
        _slots.Clear();
        _slotsLoaded = false;
        _completeSince = null;
        logger.LogInformation("Quota {Scope}: reservation {ReservationId} has an unknown or lost commit; reading the quota from the store again",
            this.GetPrimaryKeyString(), reservationId);
        return Task.CompletedTask;
    }

    /// <summary>The lowest slot below <paramref name="limit"/> neither taken within the window nor held by a reservation.</summary>
    private int? FreeSlot(int limit, DateTimeOffset since)
    {
        var held = _inFlight.Values.Select(r => r.Slot).ToHashSet();
        for (var slot = 0; slot < limit; slot++)
        {
            if (held.Contains(slot)) continue;
            if (_slots.TryGetValue(slot, out var state) && state.LastTakenAt > since) continue;
            return slot;
        }
        return null;
    }

    /// <summary>Reads the issued certificates of [<paramref name="since"/>, what is already loaded) and the slots from the store.</summary>
    private async Task LoadAsync(DateTimeOffset since)
    {
        var key = this.GetPrimaryKeyString();
        if (!_slotsLoaded)
        {
            foreach (var slot in await queries.GetQuotaSlotsAsync(key)) _slots[slot.Slot] = (slot.LastTakenAt, slot.Version);
            _slotsLoaded = true;
        }
        if (_completeSince is { } complete && complete <= since) return;
        if (!QuotaKeys.TryParse(key, out var profile, out var requester, out var name))
        {
            throw new InvalidOperationException($"'{key}' is not a quota key.");
        }
        var issued = await queries.IssuedBetweenAsync(profile, requester, since, _completeSince, name);
        foreach (var entry in issued)
        {
            if (_ids.Add(entry.EnrollmentId)) Insert(entry.IssuedAt, entry.EnrollmentId);
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
    }
}
