using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>
/// Reads for the enrollment pipeline and its explanation: enrollments (listed, or one with its request), and the
/// certificate facts policy needs (key in use, issued counts for quotas, expired certificates).
/// </summary>
public sealed class EnrollmentQueries(IDocumentStore store, EnrollmentProbe probe)
{
    /// <summary>The enrollment record's Create/Apply methods, as the inline projection and the set-based writer fold them.</summary>
    private static readonly SnapshotFold EnrollmentFold = SnapshotFold.For(typeof(EnrollmentRecord))
        ?? throw new InvalidOperationException("EnrollmentRecord has no plain Create/Apply fold.");

    /// <summary>
    /// The id of the enrollment stored under <paramref name="key"/>: the enrollment whose id it is, or whose request key
    /// (<see cref="EnrollmentRecord.RequestKey"/>) it is; null when there is none. Index look-ups grouped with the
    /// concurrent ones (<see cref="EnrollmentProbe"/>), without a Marten session. An enrollment looks its transaction up
    /// before deciding, and for nearly every request there is nothing there: Marten's stream fetch for that answer cost
    /// 13 % of the gateway's CPU per EST enrollment.
    /// </summary>
    public async Task<string?> ResolveAsync(string key, CancellationToken ct = default)
    {
        // As Marten's own reads do: a connection the database dropped (terminated backend, restart) is retried, on a new one.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await probe.ResolveAsync(key, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < 3 && StoreFailure.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                await Task.Delay(20 * attempt, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The enrollment folded from its own events (consistent with <see cref="EnrollmentStream.Version"/>); null when unknown.</summary>
    public async Task<EnrollmentStream?> GetStreamAsync(string enrollmentId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(enrollmentId, token: ct).ConfigureAwait(false);
        if (events.Count == 0 || events[0].Data is not EnrollmentRequested requested) return null;
        var record = (EnrollmentRecord)EnrollmentFold.Fold([.. events.Select(e => e.Data)]);
        // The snapshot keeps only a pending or rejected decision's rules; the full view shows the last decision's, approvals included.
        FiredRuleData[]? decided = null;
        foreach (var e in events)
        {
            decided = e.Data switch
            {
                EnrollmentApproved approved => approved.Rules,
                EnrollmentPending pending => pending.Rules,
                EnrollmentRejected rejected => rejected.Rules,
                _ => decided,
            };
        }
        if (decided is not null) record.Rules = decided;
        return new EnrollmentStream(record, requested, events[^1].Version);
    }

    public async Task<(IReadOnlyList<EnrollmentRecord> Items, long Total)> QueryAsync(EnrollmentFilter filter, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<EnrollmentRecord> q = session.Query<EnrollmentRecord>();
        if (filter.Statuses is { Length: > 0 } statuses) q = q.WithStatus(statuses);
        if (!string.IsNullOrWhiteSpace(filter.Profile))
        {
            var p = filter.Profile;
            q = q.Where(x => x.Profile.Equals(p, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrWhiteSpace(filter.Protocol)) { var p = filter.Protocol; q = q.Where(x => x.Protocol == p); }
        if (!string.IsNullOrWhiteSpace(filter.Requester)) { var r = filter.Requester; q = q.Where(x => x.Requester == r); }
        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            var s = filter.Subject;
            q = q.Where(x => x.Subject.Contains(s, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrWhiteSpace(filter.San))
        {
            var s = filter.San.ToLowerInvariant();
            q = q.Where(x => x.SanText.Contains(s));
        }
        if (filter.RequestedFrom is { } from) q = q.Where(x => x.RequestedAt >= from);
        if (filter.RequestedBefore is { } before) q = q.Where(x => x.RequestedAt < before);

        var total = await q.CountAsync(ct).ConfigureAwait(false);
        var items = await q.OrderByDescending(x => x.RequestedAt).ThenBy(x => x.Id)
            .Skip(filter.Skip).Take(filter.Take).ToListAsync(ct).ConfigureAwait(false);
        return (items, total);
    }

    /// <summary>Valid certificates (not revoked, on hold or expired at <paramref name="now"/>) whose public key has this SHA-256.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> FindValidByKeyAsync(string spkiSha256, DateTimeOffset now, int take = 20, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var records = await session.Query<CertificateRecord>()
            .Where(x => x.SpkiSha256 == spkiSha256 && x.Status == "Valid" && x.NotAfter > now)
            .OrderByDescending(x => x.IssuedAt)
            .Take(take)
            .ToListAsync(ct).ConfigureAwait(false);
        return await CertificateDer.FillAsync(session, records, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Certificates issued under <paramref name="profile"/> (case-insensitive) since <paramref name="since"/> and before
    /// <paramref name="until"/>, optionally only to <paramref name="requester"/> (<c>method:principal</c>), oldest first.
    /// </summary>
    public async Task<IReadOnlyList<IssuedEntry>> IssuedBetweenAsync(string profile, string? requester, DateTimeOffset since, DateTimeOffset? until,
        string? subjectAltName = null, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<CertificateRecord> q = session.Query<CertificateRecord>()
            .Where(x => x.IssuedAt >= since && x.Profile.Equals(profile, StringComparison.OrdinalIgnoreCase));
        if (until is { } u) q = q.Where(x => x.IssuedAt < u);
        if (requester is not null) q = q.Where(x => x.Requester == requester);
        if (subjectAltName is not null) q = q.Where(x => x.SubjectAltNames.Contains(subjectAltName));
        var rows = await q.OrderBy(x => x.IssuedAt)
            .Select(x => new { x.EnrollmentId, x.IssuedAt })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => new IssuedEntry(r.EnrollmentId, r.IssuedAt)).ToList();
    }

    /// <summary>Every slot of quota <paramref name="quotaKey"/> taken so far, with its stream version.</summary>
    public async Task<IReadOnlyList<QuotaSlotRecord>> GetQuotaSlotsAsync(string quotaKey, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<QuotaSlotRecord>().Where(x => x.Key == quotaKey).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Enrollments whose certificate awaits the requester's confirmation past its deadline (at or before <paramref name="now"/>), oldest deadline first.</summary>
    public async Task<IReadOnlyList<string>> FindUnconfirmedAsync(DateTimeOffset now, int take, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<EnrollmentRecord>()
            .Where(x => x.Status == "AwaitingConfirmation" && x.ConfirmBy <= now)
            .NotIssued()
            .OrderBy(x => x.ConfirmBy)
            .Take(take)
            .Select(x => x.Id)
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Certificates still marked Valid whose notAfter is at or before <paramref name="now"/>, soonest first.</summary>
    public async Task<IReadOnlyList<(string Serial, DateTimeOffset NotAfter)>> FindExpiredAsync(DateTimeOffset now, int take, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var rows = await session.Query<CertificateRecord>()
            .Where(x => x.Status == "Valid" && x.NotAfter <= now)
            .OrderBy(x => x.NotAfter)
            .Take(take)
            .Select(x => new { x.Serial, x.NotAfter })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => (r.Serial, r.NotAfter)).ToList();
    }
}
