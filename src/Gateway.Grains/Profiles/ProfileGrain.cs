using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Profiles;
using Gateway.Policy;
using Gateway.Store;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Gateway.Grains.Profiles;

/// <summary>
/// One profile's administration (key = lower-case name). Reads and writes go to the store; every accepted change is a
/// new version committed with optimistic concurrency, then this silo's catalog is refreshed at once (other silos poll).
/// Placed on the caller's silo when first activated, so the silo that took an admin request sees its change at once.
/// </summary>
[PreferLocalPlacement]
internal sealed class ProfileGrain(
    ProfileStore store,
    ProfileCatalogProvider catalog,
    TimeProvider time,
    ILogger<ProfileGrain> logger) : Grain, IProfileGrain
{
    private const int Attempts = 3;
    private const string DryRunTransaction = "dry-run";

    private string Key => this.GetPrimaryKeyString();

    public async Task<ProfileInfo?> GetAsync()
    {
        var record = await store.GetAsync(Key);
        return record is null ? null : ProfileViews.Info(record, ProfileViews.Compile(catalog, record));
    }

    public async Task<ProfileChangeResult> PutAsync(string document, string author)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (NameError() is { } nameError) return Invalid([nameError]);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var current = await store.GetAsync(Key);
            var version = (current?.Version ?? 0) + 1;
            var parsed = ProfileDocument.Parse(document, Key, version, options: catalog.ParseOptions);
            if (!parsed.Success) return Invalid(Errors(parsed));
            var stored = Canonical(document, Key, version, catalog.ParseOptions);
            var result = await store.AppendAsync(parsed.Profiles[0].Name, stored, ProfileSources.Api, author, null, null, current?.Version ?? 0);
            switch (result.Status)
            {
                case ProfileAppendStatus.Unchanged:
                    return new ProfileChangeResult(ProfileChangeStatus.Unchanged, ProfileViews.Info(result.Record!, parsed.Profiles[0].WithVersion(result.Record!.Version)), []);
                case ProfileAppendStatus.Appended:
                    logger.LogInformation("Profile {Name} version {Version} stored by {Author} through the API", result.Record!.Name, result.Record.Version, author);
                    await RefreshLocalCatalogAsync();
                    return new ProfileChangeResult(current is null ? ProfileChangeStatus.Created : ProfileChangeStatus.Updated,
                        ProfileViews.Info(result.Record, parsed.Profiles[0]), []);
            }
        }
        return Conflicted();
    }

    public async Task<IReadOnlyList<ProfileError>> ValidateAsync(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (NameError() is { } nameError) return [nameError];
        var current = await store.GetAsync(Key);
        var parsed = ProfileDocument.Parse(document, Key, (current?.Version ?? 0) + 1, options: catalog.ParseOptions);
        return parsed.Success ? [] : Errors(parsed);
    }

    public async Task<ProfileChangeResult> RollbackAsync(int version, string author)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var current = await store.GetAsync(Key);
            if (current is null) return new ProfileChangeResult(ProfileChangeStatus.NotFound, null, [], $"No profile '{Key}'.");
            var history = await store.GetHistoryAsync(Key) ?? [];
            var target = history.FirstOrDefault(v => v.Version == version);
            if (target is null)
            {
                return new ProfileChangeResult(ProfileChangeStatus.VersionNotFound, ProfileViews.Info(current, ProfileViews.Compile(catalog, current)), [],
                    $"Profile '{current.Name}' has versions 1 to {current.Version}; there is no version {version}.");
            }
            var parsed = ProfileDocument.Parse(target.Document, Key, current.Version + 1, options: catalog.ParseOptions);
            if (!parsed.Success)
            {
                return new ProfileChangeResult(ProfileChangeStatus.Invalid, null, Errors(parsed),
                    $"Version {version} of profile '{current.Name}' is no longer a valid document.");
            }
            var result = await store.AppendAsync(parsed.Profiles[0].Name, target.Document, ProfileSources.Rollback(version), author, null, version, current.Version);
            switch (result.Status)
            {
                case ProfileAppendStatus.Unchanged:
                    return new ProfileChangeResult(ProfileChangeStatus.Unchanged, ProfileViews.Info(result.Record!, ProfileViews.Compile(catalog, result.Record!)), [],
                        $"The current version {current.Version} already has the document of version {version}.");
                case ProfileAppendStatus.Appended:
                    logger.LogInformation("Profile {Name} rolled back to version {Target} as version {Version} by {Author}", result.Record!.Name, version,
                        result.Record.Version, author);
                    await RefreshLocalCatalogAsync();
                    return new ProfileChangeResult(ProfileChangeStatus.Updated, ProfileViews.Info(result.Record, parsed.Profiles[0]), []);
            }
        }
        return Conflicted();
    }

    public async Task<IReadOnlyList<ProfileVersionInfo>?> GetVersionsAsync()
    {
        var history = await store.GetHistoryAsync(Key);
        return history?.Select(ProfileViews.Version).ToList();
    }

    public async Task<ProfileDryRunResult?> DryRunAsync(ProfileDryRun request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var record = await store.GetAsync(Key);
        CompiledProfile profile;
        if (request.Document is { } document)
        {
            // The profile being edited, unsaved: evaluated as the version it would become.
            if (NameError() is { } nameError) return new ProfileDryRunResult(null, RejectionReason.BadRequest, nameError.Message, EnrollmentProtocol.Admin, DryRunRequester, [nameError]);
            var parsed = ProfileDocument.Parse(document, Key, (record?.Version ?? 0) + 1, options: catalog.ParseOptions);
            if (!parsed.Success)
            {
                return new ProfileDryRunResult(null, RejectionReason.BadRequest, "The document has errors; nothing was evaluated.", EnrollmentProtocol.Admin,
                    DryRunRequester, Errors(parsed));
            }
            profile = parsed.Profiles[0];
        }
        else
        {
            if (record is null) return null;
            profile = ProfileViews.Compile(catalog, record)
                ?? throw new InvalidOperationException($"Stored profile '{record.Name}' version {record.Version} does not compile.");
        }

        var protocol = request.Protocol
            ?? (profile.Protocols.Contains(EnrollmentProtocol.Admin) || profile.Protocols.Count == 0 ? EnrollmentProtocol.Admin : profile.Protocols[0]);
        var method = request.AuthenticationMethod
            ?? (profile.AuthenticationMethods.Contains(AuthenticationMethods.ApiKey) || profile.AuthenticationMethods.Count == 0
                ? AuthenticationMethods.ApiKey
                : profile.AuthenticationMethods[0]);
        var requester = new Requester(method, string.IsNullOrWhiteSpace(request.Principal) ? "dry-run" : request.Principal);
        if ((request.Csr is null) == (request.Template is null))
        {
            return new ProfileDryRunResult(null, RejectionReason.BadRequest, "A dry run takes either a CSR or a described request, not both or neither.",
                protocol, requester);
        }

        var enrollment = new EnrollmentRequest(protocol, profile.Name, requester, DryRunTransaction, request.Csr, request.Template);
        if (!RequestNormaliser.TryNormalise(enrollment, time.GetUtcNow(), out var input, out _, out var problem))
        {
            return new ProfileDryRunResult(null, problem.Reason, problem.Message, protocol, requester);
        }
        // No facts: quotas and key reuse need the store and are not part of a dry run.
        return new ProfileDryRunResult(profile.Evaluate(input), null, null, protocol, requester);
    }

    /// <summary>A parse's errors as the API reports them (no file name: the document came through the API).</summary>
    private static ProfileError[] Errors(ProfileParseResult parsed) => [.. parsed.Errors.Select(e => PolicyDirectory.ToContract(e, withSource: false))];

    private static readonly Requester DryRunRequester = new(AuthenticationMethods.ApiKey, "dry-run");

    private ProfileError? NameError() => ProfileDocument.IsValidName(Key)
        ? null
        : new ProfileError(1, 1, "name", $"'{Key}' is not a valid profile name (letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit)");

    /// <summary>A JSON (flow-style) document is stored as block YAML, so exporting it gives an ordinary profile file.</summary>
    private static string Canonical(string document, string name, int version, ProfileParseOptions options)
    {
        if (!ProfileYaml.IsFlowMapping(document)) return document;
        var block = ProfileYaml.ToBlockStyle(document);
        return block is not null && ProfileDocument.Parse(block, name, version, options: options).Success ? block : document;
    }

    private async Task RefreshLocalCatalogAsync()
    {
        try
        {
            await catalog.RefreshAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Profile {Name} is stored; this silo's catalog catches up at its next refresh", Key);
        }
    }

    private static ProfileChangeResult Invalid(IReadOnlyList<ProfileError> errors) =>
        new(ProfileChangeStatus.Invalid, null, errors, "The document has errors; nothing was changed.");

    private ProfileChangeResult Conflicted() =>
        new(ProfileChangeStatus.Conflict, null, [], $"Profile '{Key}' kept changing concurrently; nothing was changed. Try again.");
}
