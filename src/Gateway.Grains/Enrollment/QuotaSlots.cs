using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Policy;

namespace Gateway.Grains.Enrollment;

/// <summary>
/// The quota slots one enrollment holds (per requester and per profile, as the profile asks). Reserved once every
/// other rule allows the request, so only requests about to be issued hold slots and the counts policy sees are exact
/// cluster-wide; given back unless a certificate was issued.
/// </summary>
internal sealed class QuotaSlots
{
    private readonly List<IQuotaGrain> _held = [];
    private readonly string _reservationId;

    private QuotaSlots(string reservationId) => _reservationId = reservationId;

    /// <summary>Issued (or reserved) to this requester in the window before this request; null without a per-requester quota.</summary>
    public int? RequesterCount { get; private set; }

    /// <summary>Issued (or reserved) under this profile in the window before this request; null without a per-profile quota.</summary>
    public int? ProfileCount { get; private set; }

    public static bool Needed(CompiledProfile? profile) => profile is { PerRequesterQuota: not null } or { PerProfileQuota: not null };

    public static async Task<QuotaSlots> ReserveAsync(IGrainFactory grains, CompiledProfile? profile, Requester requester, string enrollmentId)
    {
        var slots = new QuotaSlots(enrollmentId);
        if (profile is null) return slots;
        if (profile.PerRequesterQuota is { } perRequester)
        {
            slots.RequesterCount = await slots.ReserveAsync(grains.GetGrain<IQuotaGrain>(QuotaKeys.ForRequester(profile.Name, requester)), perRequester);
        }
        // A refused requester quota decides; taking a profile slot now could only refuse someone else for nothing.
        if (profile.PerProfileQuota is { } perProfile && slots._held.Count == (slots.RequesterCount is null ? 0 : 1))
        {
            slots.ProfileCount = await slots.ReserveAsync(grains.GetGrain<IQuotaGrain>(QuotaKeys.ForProfile(profile.Name)), perProfile);
        }
        return slots;
    }

    private async Task<int> ReserveAsync(IQuotaGrain scope, QuotaLimit limit)
    {
        var reservation = await scope.ReserveAsync(_reservationId, limit.Count, limit.Window);
        if (!reservation.Reserved) return Math.Max(reservation.CountBefore, limit.Count);
        _held.Add(scope);
        return reservation.CountBefore;
    }

    /// <summary>Gives every held slot back (the enrollment was not issued).</summary>
    public async Task ReleaseAsync()
    {
        foreach (var scope in _held) await scope.ReleaseAsync(_reservationId);
        _held.Clear();
    }

    public PolicyFacts AddTo(PolicyFacts? facts) =>
        (facts ?? new PolicyFacts()) with { IssuedToRequesterInWindow = RequesterCount, IssuedForProfileInWindow = ProfileCount };
}
