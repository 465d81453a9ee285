using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Gateway.Store;
using Gateway.Store.Records;
using Orleans.Concurrency;

namespace Gateway.Grains;

/// <summary>The inventory's read side, run locally on every silo.</summary>
[StatelessWorker]
internal sealed class InventoryGrain(InventoryQueries queries, DashboardQueries dashboard, TimeProvider time) : Grain, IInventoryGrain
{
    public async Task<CertificatePage> QueryCertificatesAsync(CertificateQuery query)
    {
        var now = time.GetUtcNow();
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        if (query.ExpiringWithin is { } within)
        {
            // Valid certificates expiring within the span, soonest first (ExpiringBefore, when also given, narrows it).
            query = query with { Status = CertificateStatus.Valid, ExpiringBefore = Min(now + within, query.ExpiringBefore) };
        }
        // "Expired" is derived from the clock (the expiry job also stores it, later): a valid certificate past notAfter is expired.
        var filter = new CertificateFilter(
            Subject: query.Subject,
            San: query.San,
            Statuses: query.Status switch
            {
                CertificateStatus.Valid => ["Valid"],
                CertificateStatus.Expired => ["Valid", "Expired"],
                CertificateStatus.Revoked => ["Revoked"],
                CertificateStatus.OnHold => ["OnHold"],
                _ => null,
            },
            NotAfterBefore: query.Status == CertificateStatus.Expired ? Min(now, query.ExpiringBefore) : query.ExpiringBefore,
            NotAfterOnOrAfter: query.Status == CertificateStatus.Valid ? now : null,
            Profile: query.Profile,
            Protocol: query.Protocol?.ToString().ToLowerInvariant(),
            Skip: (page - 1) * size,
            Take: size,
            SoonestExpiryFirst: query.ExpiringWithin is not null);
        var (items, total) = await queries.QueryCertificatesAsync(filter);
        return new CertificatePage(items.Select(r => ToInfo(r, now)).ToList(), total, page, size);
    }

    public async Task<CertificateInfo?> GetCertificateAsync(string serial)
    {
        var record = await queries.GetCertificateAsync(serial);
        return record is null ? null : ToInfo(record, time.GetUtcNow());
    }

    public async Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync(string serial)
    {
        var items = await queries.GetHistoryAsync(serial);
        return items?.Select(i => new HistoryEntry(i.Type, i.Time, i.Actor, i.StreamId, i.Version, i.DetailsJson)).ToList();
    }

    public async Task<Dashboard> GetDashboardAsync(TimeSpan window, bool hourly, int rejections)
    {
        var now = time.GetUtcNow();
        // Whole buckets: the window starts at the top of an hour (or at midnight UTC) so the first bar is not partial.
        var unit = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var end = new DateTimeOffset(now.UtcTicks - now.UtcTicks % unit.Ticks, TimeSpan.Zero) + unit;
        var from = end - TimeSpan.FromTicks((window.Ticks + unit.Ticks - 1) / unit.Ticks * unit.Ticks);
        var issued = dashboard.IssuedAsync(from, end, hourly);
        var expiring = dashboard.ExpiringAsync(now);
        var pending = dashboard.PendingApprovalsAsync();
        var rejected = dashboard.RecentRejectionsAsync(from, Math.Clamp(rejections, 0, 100));
        await Task.WhenAll(issued, expiring, pending, rejected);
        return new Dashboard(from, end, hourly ? "hour" : "day",
            [.. (await issued).Select(b => new IssuanceBucket(b.Start.ToUniversalTime(), b.Protocol, b.Profile, b.Count))],
            await pending, (await expiring).Within7Days, (await expiring).Within30Days,
            [.. (await rejected).Select(r => new RecentRejection(r.Id, r.RequestedAt, r.Profile, r.Protocol, r.Requester, r.Subject, r.RejectionReason,
                r.Message, r.DecidedBy, r.DecidingRule))]);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;

    internal static CertificateInfo ToInfo(CertificateRecord r, DateTimeOffset now)
    {
        var status = r.Status switch
        {
            "Revoked" => CertificateStatus.Revoked,
            "OnHold" => CertificateStatus.OnHold,
            "Expired" => CertificateStatus.Expired,
            _ when r.NotAfter <= now => CertificateStatus.Expired,
            _ => CertificateStatus.Valid,
        };
        RevocationReason? reason = RevocationReasons.TryParse(r.RevocationReason, out var rr) ? rr : null;
        var protocol = Enum.TryParse<EnrollmentProtocol>(r.Protocol, true, out var p) ? p : EnrollmentProtocol.Admin;
        return new CertificateInfo(r.Serial, r.Subject, r.SubjectAltNames, r.Issuer, r.NotBefore, r.NotAfter, status, r.Profile,
            protocol, r.Requester, r.Sha256Fingerprint, r.Der, r.RevokedAt, reason, r.EnrollmentId, r.RenewalOf, r.SupersededBy,
            string.IsNullOrEmpty(r.IssuerId) ? null : r.IssuerId);
    }
}
