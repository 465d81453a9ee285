using Gateway.Ca;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace Gateway.Server.Hosting;

/// <summary>Ready = the store answers, the silo is active, and the CA holds an issuing key.</summary>
internal sealed class ReadinessChecks(GatewayConnection connection, ISiloStatusOracle silo, ICertificateAuthority ca) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        try
        {
            await using var conn = new NpgsqlConnection(connection.ConnectionString);
            await conn.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand("select 1", conn);
            await cmd.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            problems.Add("store: " + ex.Message);
        }
        if (silo.CurrentStatus != SiloStatus.Active) problems.Add($"silo: {silo.CurrentStatus}");
        if (ca.Issuers.Count == 0) problems.Add("ca: no issuing CA");
        return problems.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", problems));
    }
}
