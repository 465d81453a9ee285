using Gateway.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Server.Hosting;

/// <summary>
/// Readiness <c>write-path</c>: a real durable write (<see cref="WriteProbe"/>: one row per node, overwritten) commits,
/// at most every <see cref="CacheFor"/> whatever the probe rate; and the group-commit queue is not nearly full (past 80 %
/// of <c>Gateway:Store:CommitQueueLimit</c> new enrollments are about to be refused: degraded).
/// </summary>
internal sealed class WritePathReadinessCheck(WriteProbe probe, GroupCommitWriter writer, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _node = Environment.MachineName + ":" + Environment.ProcessId;
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        HealthCheckResult written;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < CacheFor)
            {
                written = last.Result;
            }
            else
            {
                written = await WriteAsync(cancellationToken);
                _last = (time.GetUtcNow(), written);
            }
        }
        finally
        {
            _gate.Release();
        }
        if (written.Status != HealthStatus.Healthy) return written;
        var queued = writer.QueuedUnits;
        var data = new Dictionary<string, object> { ["queuedCommits"] = queued, ["commitQueueLimit"] = writer.QueueLimit };
        return queued * 5L >= writer.QueueLimit * 4L
            ? HealthCheckResult.Degraded($"{queued} of at most {writer.QueueLimit} commits are waiting for the database", data: data)
            : HealthCheckResult.Healthy(written.Description, data);
    }

    private async Task<HealthCheckResult> WriteAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            await probe.WriteAsync(_node, time.GetUtcNow(), timeout.Token);
            return HealthCheckResult.Healthy($"a durable write committed in {time.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"a durable write did not commit within {Timeout.TotalSeconds:F0} s");
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex) || ex is InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("a durable write failed: " + ex.Message);
        }
    }
}
