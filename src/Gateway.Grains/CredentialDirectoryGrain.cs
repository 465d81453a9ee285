using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Gateway.Grains;

/// <summary>All credentials, run locally on every silo: checks a spec against the profiles, allocates ids, lists, finds by secret.</summary>
[StatelessWorker]
internal sealed class CredentialDirectoryGrain(CredentialQueries queries, TimeProvider time, ILogger<CredentialDirectoryGrain> logger)
    : Grain, ICredentialDirectoryGrain
{
    private const int IdAttempts = 5;

    public async Task<CredentialCreateResult> CreateAsync(CredentialSpec spec, string actor)
    {
        if (CredentialRules.Validate(spec, time.GetUtcNow(), out var valid) is { } problem) return Invalid(problem);
        var profile = await GrainFactory.GetGrain<IProfileDirectoryGrain>(0).GetProfileAsync(valid.Profile);
        if (profile is null) return new CredentialCreateResult(CredentialCreateStatus.UnknownProfile, null, $"'profile': there is no profile named '{spec.Profile.Trim()}'.");
        if (!CredentialMethods.All.Any(profile.Allows))
        {
            return Invalid($"'profile': profile '{profile.Name}' accepts none of the credential authentication methods " +
                $"({string.Join(", ", CredentialMethods.All)}); its authentication is [{string.Join(", ", profile.AuthenticationMethods)}].");
        }
        valid = valid with { Profile = ProfileKeys.For(profile.Name) };
        for (var attempt = 0; attempt < IdAttempts; attempt++)
        {
            var id = CredentialSecrets.NewId();
            var created = await GrainFactory.GetGrain<ICredentialGrain>(id).CreateAsync(valid, actor);
            if (created is not null) return new CredentialCreateResult(CredentialCreateStatus.Created, created, null);
            logger.LogWarning("Credential id {CredentialId} is taken; drawing another", id);
        }
        throw new InvalidOperationException($"No free credential id after {IdAttempts} draws.");
    }

    public async Task<CredentialPage> ListAsync(CredentialQuery query)
    {
        var now = time.GetUtcNow();
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        var filter = new CredentialFilter(
            Profile: string.IsNullOrWhiteSpace(query.Profile) ? null : ProfileKeys.For(query.Profile),
            Statuses: query.Status switch
            {
                CredentialStatus.Active => ["Active"],
                CredentialStatus.Exhausted => ["Exhausted"],
                CredentialStatus.Expired => ["Active", "Exhausted"],
                CredentialStatus.Revoked => ["Revoked"],
                _ => null,
            },
            ExpiredAt: query.Status == CredentialStatus.Expired ? now : null,
            UnexpiredAt: query.Status is CredentialStatus.Active or CredentialStatus.Exhausted ? now : null,
            Skip: (page - 1) * size,
            Take: size);
        var (items, total) = await queries.QueryAsync(filter);
        return new CredentialPage(items.Select(r => CredentialRules.ToInfo(r, now)).ToList(), total, page, size);
    }

    public async Task<string?> FindBySecretAsync(string secret)
    {
        if (!CredentialSecrets.TryGetId(secret, out var id)) return null;
        return await queries.GetAsync(id) is null ? null : id;
    }

    private static CredentialCreateResult Invalid(string message) => new(CredentialCreateStatus.Invalid, null, message);
}
