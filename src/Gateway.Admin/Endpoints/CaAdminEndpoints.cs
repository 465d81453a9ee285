using Gateway.Admin.Authentication;
using Gateway.Contracts.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// <c>/api/v1/ca</c>: the issuing CA's generations (every one still served, the signing one, whether a rollover is
/// possible) and <c>POST /api/v1/ca/rollover</c> <c>{"issuer": "default"}</c> to roll over now rather than on schedule (admin; audited).
/// </summary>
public static class CaAdminEndpoints
{
    public static RouteGroupBuilder MapCaAdminEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ca", GetAsync).WithTags("CA").RequireAuthorization(AdminPolicies.ReadAll);
        api.MapPost("/ca/rollover", RollOverAsync).WithTags("CA").RequireAuthorization(AdminPolicies.Write).Audited("ca.rollover");
        return api;
    }

    public static async Task<Ok<CaStatus>> GetAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICaGrain>(0).GetStatusAsync());

    /// <summary>The body of a rollover: the logical issuer to roll over, named on purpose (a rollover cannot be undone).</summary>
    public sealed record RollOverRequest(string? Issuer);

    public static async Task<Results<Ok<CaStatus>, ProblemHttpResult>> RollOverAsync(IGrainFactory grains, HttpContext http, RollOverRequest? body)
    {
        if (body?.Issuer != "default")
        {
            return AdminProblems.BadRequest("Name the issuer to roll over: {\"issuer\": \"default\"} (the only issuer the gateway manages; a rollover cannot be undone).");
        }
        var result = await grains.GetGrain<ICaGrain>(0).RollOverAsync("api-key:" + (http.User.Identity?.Name ?? "unknown"));
        return result.Problem is null
            ? TypedResults.Ok(result.Status)
            : AdminProblems.Problem(StatusCodes.Status409Conflict, "ca-rollover-impossible", "The issuing CA cannot be rolled over here", result.Problem);
    }
}
