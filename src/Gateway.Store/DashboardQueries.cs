using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>Issued certificates counted per time bucket, protocol and profile.</summary>
public sealed record IssuedBucketRow(DateTimeOffset Start, string Protocol, string Profile, long Count);

/// <summary>Valid certificates whose notAfter falls within 7 and within 30 days.</summary>
public sealed record ExpiringCounts(long Within7Days, long Within30Days);

/// <summary>
/// Aggregates for the console's dashboard, computed in PostgreSQL (a month of a large fleet is far too many rows to
/// bring back): issued per hour or day by protocol and profile, expiring counts, pending approvals, recent rejections.
/// Only read; indexes used: the certificate table's issued_at and not_after, the enrollment table's partial status index
/// (<see cref="StatusIndex"/>).
/// </summary>
public sealed class DashboardQueries(IDocumentStore store)
{
    private string Schema => store.Options.DatabaseSchemaName;

    /// <param name="hourly">Hour buckets (UTC) when true, day buckets (UTC) when false.</param>
    public async Task<IReadOnlyList<IssuedBucketRow>> IssuedAsync(DateTimeOffset from, DateTimeOffset to, bool hourly, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        // The bucket unit is one of two literals, never caller text.
        var unit = hourly ? "hour" : "day";
        var sql = $"""
            select json_build_object('Start', s.b, 'Protocol', s.p, 'Profile', s.f, 'Count', s.n)
            from (
              select date_trunc('{unit}', d.issued_at, 'UTC') as b, coalesce(d.data ->> 'Protocol', '') as p, d.profile as f, count(*) as n
              from {Schema}.mt_doc_certificaterecord d
              where d.issued_at >= ? and d.issued_at < ?
              group by 1, 2, 3
            ) s
            order by s.b, s.p, s.f
            """;
        return await session.QueryAsync<IssuedBucketRow>(sql, ct, from.ToUniversalTime(), to.ToUniversalTime()).ConfigureAwait(false);
    }

    public async Task<ExpiringCounts> ExpiringAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var sql = $"""
            select json_build_object(
              'Within7Days', count(*) filter (where d.not_after < ?),
              'Within30Days', count(*))
            from {Schema}.mt_doc_certificaterecord d
            where d.status = 'Valid' and d.not_after >= ? and d.not_after < ?
            """;
        var rows = await session.QueryAsync<ExpiringCounts>(sql, ct, now.AddDays(7).ToUniversalTime(), now.ToUniversalTime(), now.AddDays(30).ToUniversalTime())
            .ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : new ExpiringCounts(0, 0);
    }

    public async Task<long> PendingApprovalsAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<EnrollmentRecord>().Where(x => x.Status == "Pending").NotIssued().LongCountAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The latest rejected enrollments since <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<EnrollmentRecord>> RecentRejectionsAsync(DateTimeOffset since, int take, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<EnrollmentRecord>()
            .Where(x => x.Status == "Rejected" && x.RequestedAt >= since)
            .NotIssued()
            .OrderByDescending(x => x.RequestedAt)
            .Take(take)
            .ToListAsync(ct).ConfigureAwait(false);
    }
}
