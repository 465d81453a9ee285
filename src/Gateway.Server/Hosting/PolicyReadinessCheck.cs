using Gateway.Grains;
using Gateway.Grains.Profiles;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>Not ready until this silo's policy profiles have been loaded from the store: the gateway never decides without policy.</summary>
internal sealed class PolicyReadinessCheck(ProfileCatalogProvider catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.IsLoaded
            ? HealthCheckResult.Healthy($"{catalog.Current.Profiles.Count} profiles loaded")
            : HealthCheckResult.Unhealthy("policy: profiles not loaded from the store yet"));
}
