using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Gateway.Server.Hosting;

/// <summary>Readiness <c>store</c>: the database answers a query.</summary>
internal sealed class StoreReadinessCheck(GatewayConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connection.ConnectionString);
            await conn.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand("select 1", conn);
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(connection.Embedded ? "embedded PostgreSQL answers" : "PostgreSQL answers");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("the database does not answer: " + ex.Message);
        }
    }
}
