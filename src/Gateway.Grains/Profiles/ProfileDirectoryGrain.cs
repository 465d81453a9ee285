using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Orleans.Concurrency;

namespace Gateway.Grains.Profiles;

/// <summary>Profile facts for front-ends, from the silo's compiled catalog and the CA.</summary>
[StatelessWorker]
internal sealed class ProfileDirectoryGrain(ProfileCatalogProvider catalog, ICertificateAuthority ca) : Grain, IProfileDirectoryGrain
{
    public Task<IReadOnlyList<string?>?> CheckNamesAsync(string profile, IReadOnlyList<SubjectAltName> names) =>
        Task.FromResult<IReadOnlyList<string?>?>(catalog.Current.TryGet(profile, out var compiled) ? [.. names.Select(compiled.NameRefusal)] : null);

    public Task<ProfileSummary?> GetProfileAsync(string name)
    {
        if (!catalog.Current.TryGet(name, out var profile)) return Task.FromResult<ProfileSummary?>(null);
        IReadOnlyList<byte[]> chain;
        string issuerId = profile.Issuer;
        byte[][] earlier = [];
        string[] earlierIds = [];
        try
        {
            // The current generation signs; earlier ones still served vouch for the certificates they signed.
            var current = ca.GetCurrentIssuer(profile.Issuer);
            chain = current.ChainDer;
            issuerId = current.Id;
            var earlierGenerations = ca.Issuers.Where(i => i.LogicalId == current.LogicalId && i.Id != current.Id).ToList();
            earlier = [.. earlierGenerations.Select(i => i.ChainDer[0])];
            earlierIds = [.. earlierGenerations.Select(i => i.Id)];
        }
        catch (KeyNotFoundException)
        {
            chain = [];
        }
        var requirements = profile.Requirements;
        return Task.FromResult<ProfileSummary?>(new ProfileSummary(profile.Name, profile.Version, profile.Protocols, profile.AuthenticationMethods,
            issuerId, chain, requirements.AllowedKeys, requirements.RequiredSubjectAttributes, requirements.ExtendedKeyUsages,
            profile.RequiresManualApproval, profile.AcceptsCertificatesFrom, earlier.Length == 0 ? null : earlier, earlierIds.Length == 0 ? null : earlierIds));
    }
}
