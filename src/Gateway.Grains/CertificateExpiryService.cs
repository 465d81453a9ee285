using Gateway.Contracts.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains;

/// <summary>
/// Runs the expiry sweep every <see cref="ExpiryOptions.Interval"/> once the host has started. Every silo runs one;
/// the sweep itself is a single grain activation that skips a run when another silo swept within half an interval.
/// </summary>
internal sealed class CertificateExpiryService(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<ExpiryOptions> options,
    TimeProvider time,
    ILogger<CertificateExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;
        // Stop with the application, before the silo stops (it stops before this service does).
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        // The silo serves grain calls once the host has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            try
            {
                await grains.GetGrain<ICertificateExpiryGrain>(0).SweepAsync(settings.Interval / 2);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The certificate expiry sweep failed; retrying in {Interval}", settings.Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
