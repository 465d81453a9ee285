using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Policy;
using Gateway.Store;
using Gateway.Store.Events;

namespace Gateway.Grains.Enrollment;

/// <summary>
/// The quota slots one enrollment holds (per requester and per profile, as the profile asks). Reserved once every
/// other rule allows the request, so only requests about to be issued hold slots and the counts policy sees are exact
/// cluster-wide. The issuance commit takes each slot in the store (<see cref="Appends"/>: the slot's stream at the
/// version reserved), so the limit holds even against a second activation or a crash; a slot is given back unless a
/// certificate was issued, and forgotten (the quota re-read from the store) when the commit's outcome is unknown.
/// </summary>
internal sealed class QuotaSlots
{
    private readonly List<(IQuotaGrain Scope, string Key, QuotaReservation Reservation)> _held = [];
    private readonly string _reservationId;
    private bool _refused;

    private QuotaSlots(string reservationId) => _reservationId = reservationId;

    /// <summary>Issued (or reserved) to this requester in the window before this request; null without a per-requester quota.</summary>
    public int? RequesterCount { get; private set; }

    /// <summary>Issued (or reserved) under this profile in the window before this request; null without a per-profile quota.</summary>
    public int? ProfileCount { get; private set; }

    /// <summary>The requested name with the most certificates in the window before this request; null without a per-name quota.</summary>
    public (string Name, int Count)? NameCount { get; private set; }

    /// <summary>The most names one request takes per-name slots for (more are refused by the quota rule below anyway).</summary>
    public const int MaxNames = 100;

    public static bool Needed(CompiledProfile? profile) => profile is { PerRequesterQuota: not null } or { PerProfileQuota: not null } or { PerNameQuota: not null };

    /// <summary>The subjectAltNames a per-name quota counts: DNS names and IP addresses, as certificates record them.</summary>
    public static IReadOnlyList<string> CountedNames(IReadOnlyList<SubjectAltName> names) =>
        [.. names.Where(n => n.Type is SubjectAltNameType.Dns or SubjectAltNameType.Ip).Select(n => n.ToString()).Distinct(StringComparer.Ordinal)];

    public static async Task<QuotaSlots> ReserveAsync(IGrainFactory grains, CompiledProfile? profile, Requester requester, string enrollmentId,
        IReadOnlyList<SubjectAltName>? names = null)
    {
        var slots = new QuotaSlots(enrollmentId);
        if (profile is null) return slots;
        // A refused scope decides the request: take no further slot, which could only refuse someone else for nothing.
        if (profile.PerRequesterQuota is { } perRequester)
        {
            slots.RequesterCount = await slots.ReserveAsync(grains, QuotaKeys.ForRequester(profile.Name, requester), perRequester);
        }
        if (profile.PerNameQuota is { } perName && !slots._refused)
        {
            var counted = CountedNames(names ?? []);
            foreach (var name in counted.Take(MaxNames))
            {
                var count = await slots.ReserveAsync(grains, QuotaKeys.ForName(profile.Name, name), perName);
                if (slots.NameCount is not { } most || count > most.Count) slots.NameCount = (name, count);
                if (slots._refused) break;
            }
            if (counted.Count > MaxNames && !slots._refused) slots.NameCount = (counted[MaxNames], perName.Count);
        }
        if (profile.PerProfileQuota is { } perProfile && !slots._refused)
        {
            slots.ProfileCount = await slots.ReserveAsync(grains, QuotaKeys.ForProfile(profile.Name), perProfile);
        }
        return slots;
    }

    private async Task<int> ReserveAsync(IGrainFactory grains, string key, QuotaLimit limit)
    {
        var scope = grains.GetGrain<IQuotaGrain>(key);
        var reservation = await scope.ReserveAsync(_reservationId, limit.Count, limit.Window);
        if (!reservation.Reserved)
        {
            _refused = true;
            return Math.Max(reservation.CountBefore, limit.Count);
        }
        _held.Add((scope, key, reservation));
        return reservation.CountBefore;
    }

    /// <summary>What the issuance commit appends to take the held slots (at the versions reserved).</summary>
    public IEnumerable<StreamAppend> Appends(DateTimeOffset now) =>
        _held.Where(h => h.Reservation.Slot >= 0).Select(h => new StreamAppend(QuotaSlotStreams.For(h.Key, h.Reservation.Slot), h.Reservation.SlotVersion == 0,
            [new QuotaSlotTaken(h.Key, h.Reservation.Slot, _reservationId, now)], h.Reservation.SlotVersion == 0 ? null : h.Reservation.SlotVersion));

    /// <summary>Whether <paramref name="streamId"/> is one of the slots held (a conflict there means another writer took it).</summary>
    public bool Holds(string streamId) => _held.Any(h => h.Reservation.Slot >= 0 && QuotaSlotStreams.For(h.Key, h.Reservation.Slot) == streamId);

    /// <summary>The certificate and the slots are committed.</summary>
    public async Task CommittedAsync(DateTimeOffset at)
    {
        foreach (var (scope, _, _) in _held) await scope.CommittedAsync(_reservationId, at);
        _held.Clear();
    }

    /// <summary>Gives every held slot back (the enrollment was not issued).</summary>
    public async Task ReleaseAsync()
    {
        foreach (var (scope, _, _) in _held) await scope.ReleaseAsync(_reservationId);
        _held.Clear();
    }

    /// <summary>The commit's outcome is unknown, or a slot was taken by another writer: the quotas read the store again.</summary>
    public async Task ForgetAsync()
    {
        foreach (var (scope, _, _) in _held) await scope.ForgetAsync(_reservationId);
        _held.Clear();
    }

    public PolicyFacts AddTo(PolicyFacts? facts) =>
        (facts ?? new PolicyFacts()) with { IssuedToRequesterInWindow = RequesterCount, IssuedForProfileInWindow = ProfileCount, IssuedForNameInWindow = NameCount };
}
