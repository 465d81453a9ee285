using Gateway.Admin.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime;

namespace Gateway.Admin.Endpoints;

/// <summary><c>/api/v1/cluster</c>: the Orleans cluster's members as the membership table records them (all statuses, dead ones too).</summary>
public static class ClusterEndpoints
{
    public sealed record SiloView(
        string Address, int Port, int Generation, string SiloName, string HostName, string Status, DateTimeOffset StartTime,
        DateTimeOffset IAmAliveTime, int SuspectVotes);

    public sealed record ClusterView(int Active, IReadOnlyList<SiloView> Silos);

    public static RouteGroupBuilder MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetAsync).WithTags("Cluster").RequireAuthorization(AdminPolicies.ReadAll);
        return api;
    }

    public static async Task<Results<Ok<ClusterView>, ProblemHttpResult>> GetAsync(IGrainFactory grains)
    {
        MembershipEntry[] hosts;
        try
        {
            hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        }
        catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            // The management grain lived on a node that just died; it re-activates once the death is declared.
            return AdminProblems.Problem(StatusCodes.Status503ServiceUnavailable, "cluster-unavailable", "Cluster view unavailable",
                "The cluster is reorganising after a node failure; retry shortly.");
        }

        var silos = hosts
            .OrderBy(h => h.SiloAddress.Endpoint.Address.ToString(), StringComparer.Ordinal)
            .ThenBy(h => h.SiloAddress.Endpoint.Port)
            .ThenBy(h => h.SiloAddress.Generation)
            .Select(h => new SiloView(
                h.SiloAddress.Endpoint.Address.ToString(), h.SiloAddress.Endpoint.Port, h.SiloAddress.Generation, h.SiloName ?? "", h.HostName ?? "",
                h.Status.ToString().ToLowerInvariant(), Utc(h.StartTime), Utc(h.IAmAliveTime), h.SuspectTimes?.Count ?? 0))
            .ToList();
        return TypedResults.Ok(new ClusterView(silos.Count(s => s.Status == "active"), silos));
    }

    private static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
