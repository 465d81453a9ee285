using Gateway.Ca;
using Gateway.Contracts.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Revocation;

/// <summary>
/// Once the host (and the silo) has started, activates every issuer's CRL grain, which publishes a CRL and from then
/// on keeps one current on its timer.
/// </summary>
internal sealed class CrlStartupService(IHostApplicationLifetime lifetime, IGrainFactory grains, ICertificateAuthority ca, ILogger<CrlStartupService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        foreach (var issuer in ca.Issuers)
        {
            try
            {
                var crl = await grains.GetGrain<ICrlGrain>(issuer.Id).GetCurrentAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
                logger.LogInformation("CRL of issuer {IssuerId}: number {Number}, {Entries} entries", issuer.Id, crl?.Number, crl?.EntryCount);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The first CRL of issuer {IssuerId} could not be published; its grain retries on its timer", issuer.Id);
            }
        }
    }
}
