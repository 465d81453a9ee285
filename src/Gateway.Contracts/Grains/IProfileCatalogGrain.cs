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

    /// <summary>
    /// Brings the calling silo's compiled catalog up to the store now (a stateless worker runs on the caller's silo).
    /// The admin API calls it after a change, so the node that accepted a change enrolls under it at once, whichever
    /// silo the profile's grain lives on; other nodes catch up at their next poll (<c>Gateway:Policies:RefreshInterval</c>).
    /// </summary>
    [Alias("RefreshAsync")]
    Task RefreshAsync();
}
