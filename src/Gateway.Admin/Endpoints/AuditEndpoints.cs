using System.Globalization;
using Gateway.Admin.Authentication;
using Gateway.Contracts.Audit;
using Gateway.Contracts.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary><c>/api/v1/audit</c>: every admin action (who, what, on what, when, from where, how it ended), newest first.</summary>
public static class AuditEndpoints
{
    public sealed record AuditEntryView(DateTimeOffset Time, string Actor, string Action, string Target, string? ClientAddress, int Status, string? Detail);

    public sealed record AuditList(IReadOnlyList<AuditEntryView> Items, long Total, int Page, int PageSize);

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).WithTags("Audit").RequireAuthorization(AdminPolicies.ReadAll)
            .WithSummary("The admin audit log: ?from=&to= (ISO 8601, to exclusive), actor= (api-key:<name>), action= (e.g. profile.put), page=, pageSize=.");
        return api;
    }

    public static async Task<Results<Ok<AuditList>, ProblemHttpResult>> ListAsync(
        IGrainFactory grains, string? from, string? to, string? actor, string? action, int? page, int? pageSize)
    {
        if (!TryParseTime(from, out var fromTime)) return AdminProblems.BadRequest("'from' must be an ISO 8601 date-time.");
        if (!TryParseTime(to, out var toTime)) return AdminProblems.BadRequest("'to' must be an ISO 8601 date-time.");
        if (fromTime is { } f && toTime is { } t && t < f) return AdminProblems.BadRequest("'to' is before 'from'.");
        if (page is < 1) return AdminProblems.BadRequest("'page' starts at 1.");
        if (pageSize is < 1 or > 500) return AdminProblems.BadRequest("'pageSize' must be between 1 and 500.");
        var result = await grains.GetGrain<IAdminAuditGrain>(0).QueryAsync(new AuditQuery(
            fromTime, toTime, string.IsNullOrWhiteSpace(actor) ? null : actor.Trim(), string.IsNullOrWhiteSpace(action) ? null : action.Trim(),
            page ?? 1, pageSize ?? 50));
        return TypedResults.Ok(new AuditList(
            result.Items.Select(e => new AuditEntryView(e.Time, e.Actor, e.Action, e.Target, e.ClientAddress, e.Status, e.Detail)).ToList(),
            result.Total, result.Page, result.PageSize));
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        value = parsed;
        return true;
    }
}
