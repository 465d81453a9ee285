using Gateway.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>durability</c>: the database's effective <c>fsync</c>, <c>full_page_writes</c>, <c>synchronous_commit</c>
/// and asynchronous standbys, read again (at most once a minute) since the start-up check: someone may have changed
/// them. Unsafe settings make the node unready, or degraded when <see cref="DurabilitySettings.AllowUnsafeOption"/>
/// allows them; the settings are in the data.
/// </summary>
internal sealed class DurabilityReadinessCheck(GatewayConnection connection, IConfiguration configuration, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < CacheFor) return last.Result;
            var result = await ReadAsync(cancellationToken);
            _last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<HealthCheckResult> ReadAsync(CancellationToken cancellationToken)
    {
        DurabilitySettings settings;
        try
        {
            settings = await DurabilitySettings.ReadAsync(connection.ConnectionString, cancellationToken);
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex) || ex is InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("the durability settings cannot be read: " + ex.Message);
        }
        var data = new Dictionary<string, object>
        {
            ["fsync"] = settings.Fsync,
            ["full_page_writes"] = settings.FullPageWrites,
            ["synchronous_commit"] = settings.SynchronousCommit,
            ["synchronous_standby_names"] = settings.SynchronousStandbyNames,
            ["asynchronous_standbys"] = settings.AsynchronousStandbys,
        };
        if (settings.Problems.Count == 0) return HealthCheckResult.Healthy("commits are durable", data);
        var text = string.Join("; ", settings.Problems);
        return configuration.GetValue<bool>(DurabilitySettings.AllowUnsafeOption)
            ? HealthCheckResult.Degraded($"unsafe, allowed by {DurabilitySettings.AllowUnsafeOption}: {text}", data: data)
            : HealthCheckResult.Unhealthy($"unsafe: {text}", data: data);
    }
}
