using System.Security.Cryptography;
using System.Text;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>
/// Policy profiles in the event store: one stream per profile (<see cref="ProfileStreams"/>), one
/// <see cref="ProfileVersionCreated"/> per version, and the inline <see cref="ProfileRecord"/> snapshot. Every write
/// uses optimistic concurrency on the stream version, so two writers never both create the same version. Documents
/// are stored with <c>\n</c> line endings; validating them is the caller's business.
/// </summary>
public sealed class ProfileStore(IDocumentStore store, TimeProvider time)
{
    private const int SeedAttempts = 5;

    /// <summary>The text as stored: line endings normalised to <c>\n</c>.</summary>
    public static string Normalise(string document) => document.ReplaceLineEndings("\n");

    /// <summary>Lower-case hex SHA-256 of the UTF-8 of the (normalised) document.</summary>
    public static string Sha256Of(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(document))));

    public async Task<ProfileRecord?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ProfileRecord>(ProfileStreams.For(name), ct).ConfigureAwait(false);
    }

    /// <summary>Every stored profile, ordered by name (case-insensitive).</summary>
    public async Task<IReadOnlyList<ProfileRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<ProfileRecord>().ToListAsync(ct).ConfigureAwait(false);
        return [.. all.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The records of <paramref name="names"/> that exist.</summary>
    public async Task<IReadOnlyList<ProfileRecord>> GetManyAsync(IEnumerable<string> names, CancellationToken ct = default)
    {
        var ids = names.Select(ProfileStreams.For).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return [];
        await using var session = store.QuerySession();
        return await session.LoadManyAsync<ProfileRecord>(ct, ids).ConfigureAwait(false);
    }

    /// <summary>
    /// The current version of every profile by record id (<c>profile:&lt;name&gt;</c>): one small query that reads no
    /// documents, cheap enough for every silo to poll every second or two.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> GetCurrentVersionsAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var rows = await session.Query<ProfileRecord>().Select(r => new { r.Id, r.Version }).ToListAsync(ct).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Id, r => r.Version, StringComparer.Ordinal);
    }

    /// <summary>Every version of the profile, oldest first; null when no such profile.</summary>
    public async Task<IReadOnlyList<ProfileVersionCreated>?> GetHistoryAsync(string name, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(ProfileStreams.For(name), token: ct).ConfigureAwait(false);
        if (events.Count == 0) return null;
        return [.. events.Select(e => e.Data).OfType<ProfileVersionCreated>().OrderBy(e => e.Version)];
    }

    /// <summary>
    /// Stores <paramref name="document"/> as the next version of <paramref name="name"/>, provided the profile is still at
    /// <paramref name="expectedVersion"/> (0: not stored yet). Equal documents write nothing.
    /// </summary>
    public async Task<ProfileAppendResult> AppendAsync(string name, string document, string source, string author, string? seedFile,
        int? rolledBackTo, int expectedVersion, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        document = Normalise(document);
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<ProfileRecord>(ProfileStreams.For(name), ct).ConfigureAwait(false);
        if ((current?.Version ?? 0) != expectedVersion) return new ProfileAppendResult(ProfileAppendStatus.Conflict, current);
        var sha = Sha256Of(document);
        if (current is not null && current.Sha256 == sha) return new ProfileAppendResult(ProfileAppendStatus.Unchanged, current);

        var created = NextVersion(current, name, document, sha, source, author, seedFile, rolledBackTo);
        Stage(session, current, created);
        try
        {
            await session.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConcurrencyConflict(ex))
        {
            return new ProfileAppendResult(ProfileAppendStatus.Conflict, null);
        }
        return new ProfileAppendResult(ProfileAppendStatus.Appended, Project(current, created));
    }

    /// <summary>
    /// Seeds from the policies directory, all profiles in one transaction: a profile not stored is created; one whose
    /// current version came from a file (<see cref="ProfileSources.IsFile"/>) and whose document differs gets a new version;
    /// one changed through the API (or rolled back) since is kept. <paramref name="reload"/> marks the versions
    /// <c>reload</c> instead of <c>seed:&lt;file&gt;</c>. Concurrent changes make it start over (a few times).
    /// </summary>
    public async Task<ProfileSeedResult> SeedAsync(IReadOnlyList<ProfileSeedDocument> documents, bool reload, string author, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var duplicate = documents.GroupBy(d => ProfileStreams.For(d.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Profile '{duplicate.First().Name}' is given twice.", nameof(documents));

        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var ids = documents.Select(d => ProfileStreams.For(d.Name)).ToArray();
            var records = ids.Length == 0
                ? new Dictionary<string, ProfileRecord>()
                : (await session.LoadManyAsync<ProfileRecord>(ct, ids).ConfigureAwait(false)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            List<string> created = [], updated = [], unchanged = [];
            List<ProfileKept> kept = [];
            foreach (var seed in documents)
            {
                var document = Normalise(seed.Document);
                var sha = Sha256Of(document);
                records.TryGetValue(ProfileStreams.For(seed.Name), out var current);
                if (current is not null && current.Sha256 == sha)
                {
                    unchanged.Add(seed.Name);
                    continue;
                }
                if (current is not null && !current.IsFromFile)
                {
                    kept.Add(new ProfileKept(current.Name, current.Version, current.Source, seed.File));
                    continue;
                }
                var source = reload ? ProfileSources.Reload : ProfileSources.Seed(seed.File);
                Stage(session, current, NextVersion(current, seed.Name, document, sha, source, author, seed.File, null));
                (current is null ? created : updated).Add(seed.Name);
            }

            var result = new ProfileSeedResult(created, updated, unchanged, kept);
            if (created.Count == 0 && updated.Count == 0) return result;
            try
            {
                await session.SaveChangesAsync(ct).ConfigureAwait(false);
                return result;
            }
            catch (Exception ex) when (IsConcurrencyConflict(ex))
            {
                if (attempt >= SeedAttempts)
                {
                    throw new ProfileConflictException($"Seeding profiles collided with concurrent changes {attempt} times; nothing was written.", ex);
                }
            }
        }
    }

    private ProfileVersionCreated NextVersion(ProfileRecord? current, string name, string document, string sha, string source, string author,
        string? seedFile, int? rolledBackTo)
    {
        var version = (current?.Version ?? 0) + 1;
        return new ProfileVersionCreated(name, version, document, source, author, ProfileDiff.Unified(current?.Document, document, version),
            sha, seedFile, rolledBackTo, time.GetUtcNow());
    }

    private static void Stage(IDocumentSession session, ProfileRecord? current, ProfileVersionCreated created)
    {
        var stream = ProfileStreams.For(created.Name);
        if (current is null)
        {
            session.Events.StartStream<ProfileRecord>(stream, created);
        }
        else
        {
            // Marten's expected version is the stream's version after these events: the append fails if anyone else wrote in between.
            session.Events.Append(stream, created.Version, created);
        }
    }

    private static ProfileRecord Project(ProfileRecord? current, ProfileVersionCreated created)
    {
        if (current is null) return ProfileRecord.Create(created);
        var copy = new ProfileRecord
        {
            Id = current.Id, Name = current.Name, Version = current.Version, Document = current.Document, Sha256 = current.Sha256,
            Source = current.Source, Author = current.Author, SeedFile = current.SeedFile, CreatedAt = current.CreatedAt, UpdatedAt = current.UpdatedAt,
        };
        copy.Apply(created);
        return copy;
    }

    private static bool IsConcurrencyConflict(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
                or JasperFx.Events.EventStreamUnexpectedMaxEventIdException or JasperFx.ConcurrencyException)
            {
                return true;
            }
        }
        return false;
    }
}
