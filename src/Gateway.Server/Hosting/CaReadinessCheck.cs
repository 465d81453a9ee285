using Gateway.Ca;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>ca</c>: an issuing CA that can sign now. Unhealthy when the default issuer has expired (every
/// enrollment is refused as unavailable), degraded within <c>Gateway:Ca:ExpiryWarning</c> of its notAfter; each
/// issuer's notAfter is in the data.
/// </summary>
internal sealed class CaReadinessCheck(ICertificateAuthority ca, CaExpiryMonitor monitor, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (ca.Issuers.Count == 0) return Task.FromResult(HealthCheckResult.Unhealthy("no issuing CA"));
        var now = time.GetUtcNow();
        var data = ca.Issuers.ToDictionary(i => i.Id, i => (object)i.NotAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var issuer = ca.GetIssuer(ca.DefaultIssuerId);
        var left = issuer.NotAfter - now;
        var result = left <= TimeSpan.Zero
            ? HealthCheckResult.Unhealthy($"the issuing CA '{issuer.Id}' expired at {issuer.NotAfter:u}: nothing can be issued", data: data)
            : left <= monitor.Warning
                ? HealthCheckResult.Degraded($"the issuing CA '{issuer.Id}' expires at {issuer.NotAfter:u} ({left.TotalDays:F0} days left)", data: data)
                : HealthCheckResult.Healthy($"issuing CA '{issuer.Id}' valid until {issuer.NotAfter:u}", data);
        return Task.FromResult(result);
    }
}
