namespace Gateway.Policy;

/// <summary>
/// The outcome of loading profiles from several sources: the catalog of every valid profile and every error found.
/// A source with any error contributes no profile; a name defined twice keeps the first definition.
/// </summary>
public sealed class ProfileCatalogLoadResult
{
    internal ProfileCatalogLoadResult(ProfileCatalog catalog, IReadOnlyList<PolicyError> errors)
    {
        Catalog = catalog;
        Errors = errors;
    }

    /// <summary>The profiles that loaded without error (all of them when <see cref="Success"/>).</summary>
    public ProfileCatalog Catalog { get; }

    /// <summary>Every problem found, by source in file-name order.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    public bool Success => Errors.Count == 0;
}
