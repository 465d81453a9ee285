using Gateway.Admin.Authentication;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// <c>GET /api/v1/dashboard</c>: what the console's dashboard shows, aggregated in the store. <c>range</c> is <c>24h</c>
/// (default), <c>7d</c> or <c>30d</c>; <c>bucket</c> is <c>hour</c> (default for 24h, allowed up to 7d) or <c>day</c>.
/// </summary>
public static class DashboardEndpoints
{
    public const int RecentRejections = 20;

    public sealed record IssuedView(DateTimeOffset Start, string Protocol, string Profile, long Count);

    public sealed record RejectionView(
        string EnrollmentId, DateTimeOffset RequestedAt, string Profile, string Protocol, string Requester, string Subject, string? Reason,
        string? Message, string? DecidedBy, string? DecidingRule);

    public sealed record ExpiringView(long Within7Days, long Within30Days);

    /// <param name="IssuedTotal">Certificates issued in the window.</param>
    /// <param name="IssuedByProtocol">The window's total per protocol; <paramref name="IssuedByProfile"/> likewise per profile.</param>
    public sealed record DashboardView(
        string Range, string Bucket, DateTimeOffset From, DateTimeOffset To, long IssuedTotal, IReadOnlyDictionary<string, long> IssuedByProtocol,
        IReadOnlyDictionary<string, long> IssuedByProfile, IReadOnlyList<IssuedView> Issued, long PendingApprovals, ExpiringView Expiring,
        IReadOnlyList<RejectionView> RecentRejections);

    public static RouteGroupBuilder MapDashboardEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/dashboard", GetAsync).WithTags("Dashboard").RequireAuthorization(AdminPolicies.ReadAll)
            .WithSummary("Issued certificates per hour or day by protocol and profile, pending approvals, certificates expiring in 7 and 30 days, recent rejections.");
        return api;
    }

    public static async Task<Results<Ok<DashboardView>, ProblemHttpResult>> GetAsync(string? range, string? bucket, IGrainFactory grains)
    {
        range = string.IsNullOrWhiteSpace(range) ? "24h" : range.Trim().ToLowerInvariant();
        TimeSpan window;
        switch (range)
        {
            case "24h": window = TimeSpan.FromHours(24); break;
            case "7d": window = TimeSpan.FromDays(7); break;
            case "30d": window = TimeSpan.FromDays(30); break;
            default: return AdminProblems.BadRequest("'range' must be 24h, 7d or 30d.");
        }
        bool hourly;
        switch (string.IsNullOrWhiteSpace(bucket) ? (range == "24h" ? "hour" : "day") : bucket.Trim().ToLowerInvariant())
        {
            case "hour" when window <= TimeSpan.FromDays(7): hourly = true; break;
            case "hour": return AdminProblems.BadRequest("'bucket=hour' is offered for ranges up to 7d; use 'bucket=day'.");
            case "day": hourly = false; break;
            default: return AdminProblems.BadRequest("'bucket' must be hour or day.");
        }

        var d = await grains.GetGrain<IInventoryGrain>(0).GetDashboardAsync(window, hourly, RecentRejections);
        return TypedResults.Ok(new DashboardView(
            range, d.Bucket, d.From, d.To,
            d.Issued.Sum(b => b.Count),
            Totals(d.Issued, b => b.Protocol),
            Totals(d.Issued, b => b.Profile),
            [.. d.Issued.Select(b => new IssuedView(b.Start, b.Protocol, b.Profile, b.Count))],
            d.PendingApprovals,
            new ExpiringView(d.ExpiringWithin7Days, d.ExpiringWithin30Days),
            [.. d.RecentRejections.Select(r => new RejectionView(r.EnrollmentId, r.RequestedAt, r.Profile, r.Protocol, r.Requester, r.Subject,
                r.Reason is { } reason && Enum.TryParse<RejectionReason>(reason, out var parsed) ? AdminProblems.ToSlug(parsed) : r.Reason,
                r.Message, r.DecidedBy, r.DecidingRule))]));
    }

    private static SortedDictionary<string, long> Totals(IEnumerable<IssuanceBucket> buckets, Func<IssuanceBucket, string> key)
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var b in buckets) totals[key(b)] = totals.GetValueOrDefault(key(b)) + b.Count;
        return totals;
    }
}
