using Gateway.Contracts.Profiles;

namespace Gateway.Contracts.Grains;

/// <summary>All profiles (a stateless worker; key 0): the list, and re-seeding from the policies directory.</summary>
[Alias("Gateway.IProfileCatalogGrain")]
public interface IProfileCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every stored profile, ordered by name.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<ProfileInfo>> ListAsync();

    /// <summary>
    /// Re-reads the policies directory: creates profiles that are not stored, updates those whose stored version came
    /// from the file and whose file changed, keeps those changed through the API. All or nothing on file errors.
    /// </summary>
    [Alias("ReloadAsync")]
    Task<ProfileReloadResult> ReloadAsync(string author);
}
