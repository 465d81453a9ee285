using System.Collections.Concurrent;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Est;

/// <summary>
/// Label → profile, cached for a few seconds so the hot path makes no grain call for it; a policy change is seen
/// within <see cref="Ttl"/>.
/// </summary>
internal sealed class EstProfiles(IGrainFactory grains, IOptions<EstOptions> options, EstTrustAnchors anchors, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (EstProfile? Profile, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The EST profile behind <paramref name="label"/> (null = the default), or null when there is none that allows EST.</summary>
    public async ValueTask<EstProfile?> ResolveAsync(string? label)
    {
        var name = label is null ? options.Value.DefaultProfile
            : options.Value.Labels.TryGetValue(label, out var mapped) ? mapped : label;
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && cached.Expires > now) return cached.Profile;

        var summary = await grains.GetGrain<IProfileDirectoryGrain>(0).GetProfileAsync(name);
        EstProfile? profile = null;
        if (summary is not null && summary.Allows(EnrollmentProtocol.Est) && summary.ChainDer.Count > 0)
        {
            profile = cached.Profile is { } previous && previous.Summary.Version == summary.Version && previous.Summary.Name == summary.Name
                ? previous
                : new EstProfile(summary, anchors.For(summary.Name));
        }
        _cache[name] = (profile, now + Ttl);
        return profile;
    }
}
