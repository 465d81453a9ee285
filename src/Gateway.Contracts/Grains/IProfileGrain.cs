using Gateway.Contracts.Profiles;

namespace Gateway.Contracts.Grains;

/// <summary>
/// One policy profile's administration (key = the profile name in lower case, see <see cref="ProfileKeys"/>): its
/// document, versions, changes and dry runs. Every change is an event in the profile's stream; evaluation of
/// enrollments is the enrollment grain's, in-process, over the same compiled profile.
/// </summary>
[Alias("Gateway.IProfileGrain")]
public interface IProfileGrain : IGrainWithStringKey
{
    /// <summary>The current version, or null when no such profile exists.</summary>
    [Alias("GetAsync")]
    Task<ProfileInfo?> GetAsync();

    /// <summary>Validates <paramref name="document"/> and stores it as the next version (or the first); an invalid document changes nothing.</summary>
    [Alias("PutAsync")]
    Task<ProfileChangeResult> PutAsync(string document, string author);

    /// <summary>Makes the document of <paramref name="version"/> the current one, as a new version with source <c>rollback</c>.</summary>
    [Alias("RollbackAsync")]
    Task<ProfileChangeResult> RollbackAsync(int version, string author);

    /// <summary>Every version, oldest first; null when no such profile exists.</summary>
    [Alias("GetVersionsAsync")]
    Task<IReadOnlyList<ProfileVersionInfo>?> GetVersionsAsync();

    /// <summary>What <see cref="PutAsync"/> would say about <paramref name="document"/>, without storing anything: its errors (line, column, field), none when it is valid.</summary>
    [Alias("ValidateAsync")]
    Task<IReadOnlyList<ProfileError>> ValidateAsync(string document);

    /// <summary>Evaluates a CSR against the current version (or against <see cref="ProfileDryRun.Document"/>, unsaved) without issuing or recording anything; null when no such profile exists (and no document was given).</summary>
    [Alias("DryRunAsync")]
    Task<ProfileDryRunResult?> DryRunAsync(ProfileDryRun request);
}
