using Gateway.Ca;
using Gateway.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Revocation;

/// <summary>
/// Replaces this node's TLS server certificate and OCSP signing certificates as soon as one is revoked (an administrator
/// revoking it after a key compromise, say): the revocation feed reports every committed revocation to every node, and a
/// node whose current certificate it names issues a new one at once instead of using the revoked one until its renewal
/// time (OCSP answers signed with the old one are dropped from the cache). At start the stored TLS certificate is
/// checked too (it may have been revoked while the node was down; OCSP signing certificates are issued afresh at start).
/// </summary>
internal sealed class GatewayCertificateRevocationWatcher(
    RevocationFeed feed, RevocationQueries queries, ServerCertificateProvider server, OcspResponseSigner ocsp, OcspResponseCache responses,
    IHostApplicationLifetime lifetime,
    ILogger<GatewayCertificateRevocationWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        feed.Changed += OnChanged;
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
            {
                await started.Task.ConfigureAwait(false);
            }
            await CheckStoredAsync(stoppingToken).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            feed.Changed -= OnChanged;
        }
    }

    /// <summary>The certificate this node starts with may have been revoked while it was down.</summary>
    private async Task CheckStoredAsync(CancellationToken cancellationToken)
    {
        if (server.CurrentSerial is not { } serial) return;
        try
        {
            if (await queries.GetStatusAsync(serial, cancellationToken).ConfigureAwait(false) is { Status: "Revoked" or "OnHold" }) Replace(serial);
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex))
        {
            logger.LogWarning(ex, "The status of this node's TLS server certificate could not be read at start; revocations from now on still replace it");
        }
    }

    private void OnChanged(string serial)
    {
        if (string.Equals(server.CurrentSerial, serial, StringComparison.Ordinal)) Replace(serial);
        if (ocsp.ResponderSerials.Contains(serial, StringComparer.Ordinal))
        {
            try
            {
                if (ocsp.ReplaceRevoked(serial)) responses.Clear();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Replacing the revoked OCSP signing certificate {Serial} failed; the next signature tries again", serial);
            }
        }
    }

    private void Replace(string serial)
    {
        try
        {
            server.ReplaceRevoked(serial);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Replacing the revoked TLS server certificate {Serial} failed; the next handshake tries again", serial);
        }
    }
}
