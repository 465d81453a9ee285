using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Gateway.Server.Hosting;

/// <summary>Readiness <c>silo</c>: this node's silo is an active member of the cluster.</summary>
internal sealed class SiloReadinessCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("active")
            : HealthCheckResult.Unhealthy($"silo is {silo.CurrentStatus}"));
}
