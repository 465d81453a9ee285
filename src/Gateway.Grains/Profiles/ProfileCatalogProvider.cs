using Gateway.Contracts;
using Gateway.Policy;
using Gateway.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Profiles;

/// <summary>
/// This silo's compiled profiles, as stored (section <c>Gateway:Policies</c>). The policies directory is read and
/// validated at construction (a bad file stops the start) and seeds the store (<see cref="ProfileSeeder"/>); the
/// catalog itself always comes from the store: <see cref="RefreshAsync"/> compares every profile's stored version with
/// the compiled one and recompiles only what changed. It runs right after a change made on this silo and every
/// <see cref="PolicyOptions.RefreshInterval"/> (<see cref="ProfileCatalogRefresher"/>), so changes made on other silos
/// arrive within about that. <see cref="Current"/> is an immutable snapshot: evaluation never waits for a refresh.
/// </summary>
public sealed class ProfileCatalogProvider
{
    private readonly ProfileStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ProfileCatalogProvider> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Dictionary<string, int> _known = new(StringComparer.Ordinal);
    private volatile ProfileCatalog _current = ProfileCatalog.Empty;
    private volatile bool _loaded;
    private long _loadedAtTicks;

    public ProfileCatalogProvider(IOptions<PolicyOptions> options, ProfileStore store, TimeProvider time, ILogger<ProfileCatalogProvider> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        PolicyPath = options.Value.ResolvePath();
        ParseOptions = options.Value.ParseOptions();
        var (documents, errors) = PolicyDirectory.Read(PolicyPath, ParseOptions);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"The policies in '{PolicyPath}' (Gateway:Policies:Path) have errors:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Select(e => "  " + e)));
        }
        Seed = documents;
        logger.LogInformation("Read {Count} policy profiles from {Path} to seed the store: {Names}", documents.Count, PolicyPath,
            string.Join(", ", documents.Select(d => d.Name)));
    }

    /// <summary>What the operator allows profiles beyond the defaults (<c>Gateway:Policies:AllowSensitiveExtendedKeyUsages</c>).</summary>
    public ProfileParseOptions ParseOptions { get; }

    /// <summary>The policies directory.</summary>
    public string PolicyPath { get; }

    /// <summary>The profiles of the policies directory as read at start.</summary>
    public IReadOnlyList<ProfileSeedDocument> Seed { get; }

    /// <summary>The compiled profiles at their stored versions (empty until the first load).</summary>
    public ProfileCatalog Current => _current;

    /// <summary>Whether the catalog has been loaded from the store at least once (readiness).</summary>
    public bool IsLoaded => _loaded;

    /// <summary>When the store last answered a refresh.</summary>
    public DateTimeOffset? LastRefreshedAt => Interlocked.Read(ref _loadedAtTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>The compiled profile if this silo holds exactly <paramref name="version"/> of it.</summary>
    public bool TryGet(string name, int version, out CompiledProfile profile) =>
        _current.TryGet(name, out profile) && profile.Version == version;

    /// <summary>Brings the catalog to the stored versions; throws when the store does not answer (the catalog stays as it was).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        await _refresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var versions = await _store.GetCurrentVersionsAsync(ct).ConfigureAwait(false);
            var changed = versions.Where(v => !_known.TryGetValue(v.Key, out var known) || known != v.Value)
                .Select(v => v.Key[ProfileStreams.Prefix.Length..]).ToList();
            var removed = _known.Keys.Where(k => !versions.ContainsKey(k)).ToList();
            if (changed.Count > 0 || removed.Count > 0)
            {
                var records = await _store.GetManyAsync(changed, ct).ConfigureAwait(false);
                var byKey = _current.Profiles.ToDictionary(p => ProfileKeys.For(p.Name), StringComparer.Ordinal);
                var known = new Dictionary<string, int>(_known, StringComparer.Ordinal);
                foreach (var id in removed)
                {
                    byKey.Remove(id[ProfileStreams.Prefix.Length..]);
                    known.Remove(id);
                }
                foreach (var record in records)
                {
                    var key = record.Id[ProfileStreams.Prefix.Length..];
                    known[record.Id] = record.Version;
                    var parsed = ProfileDocument.Parse(record.Document, record.Name, record.Version, record.Id, ParseOptions);
                    if (!parsed.Success)
                    {
                        // Only valid documents are stored, so this means this build reads profiles differently than the one that stored it.
                        _logger.LogError("Stored profile {Name} version {Version} does not compile and is not used ({Errors}); {Previous}",
                            record.Name, record.Version, string.Join("; ", parsed.Errors),
                            byKey.ContainsKey(key) ? "the version compiled before stays in use" : "the profile is unavailable");
                        continue;
                    }
                    var previous = byKey.GetValueOrDefault(key);
                    byKey[key] = parsed.Profiles[0];
                    if (previous is not null || _loaded)
                    {
                        _logger.LogInformation("Profile {Name} is now at version {Version} ({Source}, by {Author})", record.Name, record.Version,
                            record.Source, record.Author);
                    }
                }
                _current = ProfileCatalog.FromProfiles(byKey.Values);
                _known = known;
                if (!_loaded)
                {
                    _logger.LogInformation("Loaded {Count} policy profiles from the store: {Profiles}", _current.Profiles.Count,
                        string.Join(", ", _current.Profiles.Select(p => $"{p.Name} v{p.Version}")));
                }
            }
            Interlocked.Exchange(ref _loadedAtTicks, _time.GetUtcNow().UtcTicks);
            _loaded = true;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
