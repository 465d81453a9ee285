using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>
/// Keeps an issuing CA in service: every <see cref="CaOptions.RolloverCheckInterval"/> it picks up generations another
/// node added to the shared CA directory, and when the current generation is within <see cref="CaOptions.RolloverBefore"/>
/// of its notAfter it rolls over (new key and id, signed by the root; only one node does, under the directory's lock).
/// Without the root key (an offline root, an imported CA) it logs an error once a day instead, naming what to do.
/// </summary>
public sealed class CaRolloverService(ICertificateAuthority ca, IOptions<CaOptions> options, TimeProvider time, ILogger<CaRolloverService> logger)
    : BackgroundService
{
    private static readonly TimeSpan ComplainEvery = TimeSpan.FromDays(1);
    private DateTimeOffset _complained = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RolloverCheckInterval, time);
        do
        {
            try
            {
                Check();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The issuing CA rollover check failed; it runs again in {Interval}", options.Value.RolloverCheckInterval);
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

    /// <summary>Picks up another node's rollover, then rolls over what is due; returns the ids of generations created here.</summary>
    public IReadOnlyList<string> Check()
    {
        ca.Refresh();
        var created = new List<string>();
        var now = time.GetUtcNow();
        var before = options.Value.RolloverBefore;
        foreach (var current in ca.CurrentIssuers.ToArray())
        {
            if (current.NotAfter - now > before) continue;
            using var root = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.RootCertificateDer);
            var rootNotAfter = new DateTimeOffset(root.NotAfter.ToUniversalTime());
            if (!ca.CanRollOver || rootNotAfter - now <= before)
            {
                if (now - _complained < ComplainEvery) continue;
                _complained = now;
                logger.LogError(
                    "The issuing CA '{IssuerId}' expires at {NotAfter:u} and cannot be rolled over here: {Why}. Issue its successor and place it in the CA directory before then.",
                    current.Id, current.NotAfter, !ca.CanRollOver
                        ? "the root key is not in the CA directory (offline root or imported CA)"
                        : $"the root itself expires at {rootNotAfter:u}");
                continue;
            }
            var next = ca.RollOver(current.LogicalId);
            if (next.Id != current.Id) created.Add(next.Id);
            logger.LogWarning("Rolled issuing CA '{Old}' (until {OldNotAfter:u}) over to '{New}' (until {NewNotAfter:u}), {Before} before expiry ({Option}).",
                current.Id, current.NotAfter, next.Id, next.NotAfter, before, CaOptions.SectionName + ":" + nameof(CaOptions.RolloverBefore));
        }
        return created;
    }
}
