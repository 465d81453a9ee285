using Gateway.Contracts.Profiles;
using Gateway.Policy;
using Gateway.Store;

namespace Gateway.Grains.Profiles;

/// <summary>Reads the policies directory into seed documents: every profile of every <c>*.yaml</c> file, or every error.</summary>
internal static class PolicyDirectory
{
    public static (IReadOnlyList<ProfileSeedDocument> Documents, IReadOnlyList<PolicyError> Errors) Read(string path, ProfileParseOptions options)
    {
        var result = ProfileCatalog.LoadDirectory(path, options);
        if (!result.Success) return ([], result.Errors);
        return ([.. result.Catalog.Profiles.Select(p => new ProfileSeedDocument(p.Name, p.Document, Path.GetFileName(p.Source)))], []);
    }

    public static ProfileError ToContract(PolicyError error, bool withSource) =>
        new(error.Line, error.Column, error.Field, error.Message, withSource ? Path.GetFileName(error.Source) : null);
}
