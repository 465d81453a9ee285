using System.Security.Claims;
using Gateway.Admin.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary><c>GET /api/v1/me</c>: the caller's key name and roles, so a client (the console) offers only what the roles may do.</summary>
public static class MeEndpoints
{
    public sealed record MeResponse(string Name, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).RequireAuthorization(AdminPolicies.Read).WithTags("Session");
        return api;
    }

    private static Ok<MeResponse> Me(ClaimsPrincipal user) =>
        TypedResults.Ok(new MeResponse(user.Identity?.Name ?? "", [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)]));
}
