using Gateway.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>revocation-feed</c>: this node listens for revocations committed by any node. While it does not, its
/// cached OCSP answers may miss a revocation made elsewhere (they fall back to reading the store), so the node is
/// degraded, not unready.
/// </summary>
internal sealed class RevocationFeedReadinessCheck(RevocationFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.IsListening
            ? HealthCheckResult.Healthy($"listening on {feed.Channel}")
            : HealthCheckResult.Degraded("not listening for revocations (reconnecting): revocations by other nodes may reach this node's OCSP answers late"));
}
