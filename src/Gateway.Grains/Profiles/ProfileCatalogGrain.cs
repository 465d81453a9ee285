using Gateway.Contracts.Grains;
using Gateway.Contracts.Profiles;
using Gateway.Store;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Gateway.Grains.Profiles;

/// <summary>All profiles: the list from the store, and reloading this silo's policies directory into the store.</summary>
[StatelessWorker]
internal sealed class ProfileCatalogGrain(ProfileStore store, ProfileCatalogProvider catalog, ProfileSeeder seeder, ILogger<ProfileCatalogGrain> logger)
    : Grain, IProfileCatalogGrain
{
    public async Task<IReadOnlyList<ProfileInfo>> ListAsync()
    {
        var records = await store.ListAsync();
        return [.. records.Select(r => ProfileViews.Info(r, ProfileViews.Compile(catalog, r)))];
    }

    public Task<ProfileReloadResult> ReloadAsync(string author) => seeder.ReloadAsync(author);

    public async Task RefreshAsync()
    {
        try
        {
            await catalog.RefreshAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change is committed; only this silo's copy lags, and its next poll catches up.
            logger.LogWarning(ex, "This silo's profile catalog could not be refreshed; it catches up at its next refresh");
        }
    }
}
