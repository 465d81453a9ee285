using System.Collections.Concurrent;
using Gateway.Contracts;

namespace Gateway.Protocols.Common;

/// <summary>
/// Protocol + profile name → <see cref="EnrollmentProfile"/>, for <see cref="EnrollmentPortOptions.ProfileCacheTtl"/>.
/// Only names that resolve are kept (a flood of unknown labels leaves nothing behind), and at most
/// <see cref="EnrollmentPortOptions.ProfileCacheCapacity"/> of them. The same instance is kept across refreshes while
/// the profile's version and CA chain are unchanged.
/// </summary>
internal sealed class ProfileCache(Func<string, Task<ProfileSummary?>> lookup, TimeProvider time, TimeSpan ttl, int capacity)
{
    private readonly ConcurrentDictionary<(EnrollmentProtocol, string), Entry> _entries = new();

    public int Count => _entries.Count;

    public async ValueTask<EnrollmentProfile?> ResolveAsync(EnrollmentProtocol protocol, string name)
    {
        var key = (protocol, name);
        var now = time.GetUtcNow();
        _entries.TryGetValue(key, out var cached);
        if (cached is not null && cached.Expires > now) return cached.Profile;

        var summary = await lookup(name);
        if (summary is null || !summary.Allows(protocol) || summary.ChainDer.Count == 0)
        {
            if (cached is not null) _entries.TryRemove(key, out _);
            return null;
        }
        var profile = cached is not null && Same(cached.Profile.Summary, summary) ? cached.Profile : new EnrollmentProfile(summary);
        if (cached is null && _entries.Count >= capacity) Evict(now);
        if (cached is not null || _entries.Count < capacity) _entries[key] = new Entry(profile, now + ttl);
        return profile;
    }

    private static bool Same(ProfileSummary a, ProfileSummary b) =>
        a.Name == b.Name && a.Version == b.Version && a.IssuerId == b.IssuerId && a.ChainDer.Count == b.ChainDer.Count
        && (a.EarlierIssuerCertificates?.Count ?? 0) == (b.EarlierIssuerCertificates?.Count ?? 0)
        && a.ChainDer.Zip(b.ChainDer).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private void Evict(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now) _entries.TryRemove(key, out _);
        }
        if (_entries.Count >= capacity) _entries.Clear();
    }

    private sealed record Entry(EnrollmentProfile Profile, DateTimeOffset Expires);
}
