using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Profiles;

/// <summary>
/// Seeds the store at start and then keeps this silo's catalog at the stored versions, polling every
/// <see cref="PolicyOptions.RefreshInterval"/>. When the store does not answer at start the gateway still starts, but
/// without policy: readiness fails (<see cref="ProfileCatalogProvider.IsLoaded"/>) and this keeps trying.
/// </summary>
internal sealed class ProfileCatalogRefresher(
    ProfileCatalogProvider catalog,
    ProfileSeeder seeder,
    IOptions<PolicyOptions> options,
    TimeProvider time,
    ILogger<ProfileCatalogRefresher> logger) : BackgroundService
{
    private bool _seeded;
    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryRefreshAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TryRefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task TryRefreshAsync(CancellationToken ct)
    {
        try
        {
            if (!_seeded)
            {
                await seeder.SeedAtStartupAsync(ct).ConfigureAwait(false);
                _seeded = true;
            }
            await catalog.RefreshAsync(ct).ConfigureAwait(false);
            if (_failing)
            {
                logger.LogInformation("The profile store answers again; {Count} profiles loaded", catalog.Current.Profiles.Count);
                _failing = false;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Logged once per outage, not every poll.
            if (!_failing)
            {
                logger.LogError(ex, catalog.IsLoaded
                    ? "Refreshing policy profiles from the store failed; evaluating with the versions loaded before, retrying every {Interval}"
                    : "Policy profiles could not be loaded from the store; the gateway is not ready until they are, retrying every {Interval}",
                    options.Value.RefreshInterval);
                _failing = true;
            }
        }
    }
}
