using Gateway.Ca;
using Gateway.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>crl</c>: every issuer has a published CRL whose nextUpdate has not passed (from the store, so any
/// node's publication counts). Past nextUpdate, relying parties reject our certificates' revocation status: unready.
/// No CRL yet (first start): degraded.
/// </summary>
internal sealed class CrlReadinessCheck(ICertificateAuthority ca, RevocationQueries queries, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var data = new Dictionary<string, object>();
        var stale = new List<string>();
        var missing = new List<string>();
        try
        {
            foreach (var issuer in ca.Issuers)
            {
                var crl = await queries.GetLastCrlAsync(issuer.Id, cancellationToken);
                if (crl is null)
                {
                    missing.Add(issuer.Id);
                    continue;
                }
                data[issuer.Id] = $"CRL {crl.Number}, nextUpdate {crl.NextUpdate:O}";
                if (crl.NextUpdate <= now) stale.Add($"{issuer.Id} (CRL {crl.Number} expired at {crl.NextUpdate:u})");
            }
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex))
        {
            return HealthCheckResult.Unhealthy("the CRLs cannot be read: " + ex.Message);
        }
        if (stale.Count > 0) return HealthCheckResult.Unhealthy("CRL past its nextUpdate: " + string.Join(", ", stale), data: data);
        if (missing.Count > 0) return HealthCheckResult.Degraded("no CRL published yet for " + string.Join(", ", missing), data: data);
        return HealthCheckResult.Healthy("every CRL is current", data);
    }
}
