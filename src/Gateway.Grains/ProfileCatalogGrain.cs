using Gateway.Contracts.Grains;
using Gateway.Contracts.Profiles;
using Gateway.Store;
using Orleans.Concurrency;

namespace Gateway.Grains;

/// <summary>All profiles: the list from the store, and reloading this silo's policies directory into the store.</summary>
[StatelessWorker]
internal sealed class ProfileCatalogGrain(ProfileStore store, PolicyCatalogProvider catalog, ProfileSeeder seeder) : Grain, IProfileCatalogGrain
{
    public async Task<IReadOnlyList<ProfileInfo>> ListAsync()
    {
        var records = await store.ListAsync();
        return [.. records.Select(r => ProfileViews.Info(r, ProfileViews.Compile(catalog, r)))];
    }

    public Task<ProfileReloadResult> ReloadAsync(string author) => seeder.ReloadAsync(author);
}
