using Gateway.Contracts.Profiles;
using Gateway.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Profiles;

/// <summary>
/// Seeds the profile store from the policies directory: at start (the files as read by <see cref="ProfileCatalogProvider"/>)
/// and on reload (the directory read again, all or nothing). See <see cref="ProfileStore.SeedAsync"/> for what changes.
/// </summary>
public sealed class ProfileSeeder(ProfileCatalogProvider catalog, ProfileStore store, ILogger<ProfileSeeder> logger)
{
    public const string StartupAuthor = "system:startup";

    public async Task SeedAtStartupAsync(CancellationToken ct = default)
    {
        var result = await store.SeedAsync(catalog.Seed, reload: false, StartupAuthor, ct).ConfigureAwait(false);
        Log(result, catalog.PolicyPath);
    }

    /// <summary>Re-reads the policies directory; with any error in any file nothing is changed and the errors are returned.</summary>
    public async Task<ProfileReloadResult> ReloadAsync(string author, CancellationToken ct = default)
    {
        var path = catalog.PolicyPath;
        var (documents, errors) = PolicyDirectory.Read(path, catalog.ParseOptions);
        if (errors.Count > 0)
        {
            logger.LogWarning("Reload of {Path} by {Author} refused, nothing changed: {Errors}", path, author, string.Join("; ", errors));
            return new ProfileReloadResult([], [], [], [], [.. errors.Select(e => PolicyDirectory.ToContract(e, withSource: true))], path);
        }
        ProfileSeedResult result;
        try
        {
            result = await store.SeedAsync(documents, reload: true, author, ct).ConfigureAwait(false);
        }
        catch (ProfileConflictException ex)
        {
            logger.LogWarning(ex, "Reload of {Path} by {Author} collided with concurrent changes; nothing changed", path, author);
            return new ProfileReloadResult([], [], [], [], [new ProfileError(1, 1, "", ex.Message + " Try again.")], path);
        }
        Log(result, path);
        try
        {
            await catalog.RefreshAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reloaded profiles are stored; this silo's catalog catches up at its next refresh");
        }
        return new ProfileReloadResult(result.Created, result.Updated, result.Unchanged, [.. result.Kept.Select(k => k.Name)], [], path);
    }

    private void Log(ProfileSeedResult result, string path)
    {
        foreach (var name in result.Created) logger.LogInformation("Profile {Name} stored as version 1 from {Path}", name, path);
        foreach (var name in result.Updated) logger.LogInformation("Profile {Name} updated from its changed file in {Path}", name, path);
        foreach (var kept in result.Kept)
        {
            logger.LogInformation(
                "Profile {Name} was changed through the API (version {Version}, {Source}); its file {File} differs and is not applied. " +
                "Export the profile to update the file, or roll back to a seeded version", kept.Name, kept.Version, kept.Source, kept.File);
        }
    }
}
