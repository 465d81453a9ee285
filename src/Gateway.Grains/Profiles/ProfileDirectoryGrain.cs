using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Orleans.Concurrency;

namespace Gateway.Grains.Profiles;

/// <summary>Profile facts for front-ends, from the silo's compiled catalog and the CA.</summary>
[StatelessWorker]
internal sealed class ProfileDirectoryGrain(ProfileCatalogProvider catalog, ICertificateAuthority ca) : Grain, IProfileDirectoryGrain
{
    public Task<ProfileSummary?> GetProfileAsync(string name)
    {
        if (!catalog.Current.TryGet(name, out var profile)) return Task.FromResult<ProfileSummary?>(null);
        IReadOnlyList<byte[]> chain;
        try
        {
            chain = ca.GetIssuer(profile.Issuer).ChainDer;
        }
        catch (KeyNotFoundException)
        {
            chain = [];
        }
        var requirements = profile.Requirements;
        return Task.FromResult<ProfileSummary?>(new ProfileSummary(profile.Name, profile.Version, profile.Protocols, profile.AuthenticationMethods,
            profile.Issuer, chain, requirements.AllowedKeys, requirements.RequiredSubjectAttributes, requirements.ExtendedKeyUsages,
            profile.RequiresManualApproval, profile.AcceptsCertificatesFrom));
    }
}
