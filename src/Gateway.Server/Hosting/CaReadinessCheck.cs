using Gateway.Ca;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>ca</c>: an issuing CA that can sign now. Unhealthy when the signing generation of the default issuer has
/// expired (every enrollment is refused as unavailable), degraded within <c>Gateway:Ca:ExpiryWarning</c> of its notAfter,
/// and degraded when it is due for rollover (<c>Gateway:Ca:RolloverBefore</c>) but cannot be rolled over here (no root
/// key). The data has every generation served with its notAfter, the current one and whether a rollover is possible.
/// </summary>
internal sealed class CaReadinessCheck(ICertificateAuthority ca, CaExpiryMonitor monitor, Microsoft.Extensions.Options.IOptions<CaOptions> options,
    TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (ca.Issuers.Count == 0) return Task.FromResult(HealthCheckResult.Unhealthy("no issuing CA"));
        var now = time.GetUtcNow();
        var data = ca.Issuers.ToDictionary(i => i.Id, i => (object)i.NotAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var issuer = ca.GetIssuer(ca.DefaultIssuerId);
        data["current"] = issuer.Id;
        data["canRollOver"] = ca.CanRollOver;
        var left = issuer.NotAfter - now;
        var stuck = left <= options.Value.RolloverBefore && !ca.CanRollOver;
        var result = left <= TimeSpan.Zero
            ? HealthCheckResult.Unhealthy($"the issuing CA '{issuer.Id}' expired at {issuer.NotAfter:u}: nothing can be issued", data: data)
            : left <= monitor.Warning || stuck
                ? HealthCheckResult.Degraded($"the issuing CA '{issuer.Id}' expires at {issuer.NotAfter:u} ({left.TotalDays:F0} days left)" +
                    (stuck ? "; it cannot be rolled over here (no root key in the CA directory)" : ""), data: data)
                : HealthCheckResult.Healthy($"issuing CA '{issuer.Id}' valid until {issuer.NotAfter:u}", data);
        return Task.FromResult(result);
    }
}
