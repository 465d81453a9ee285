using System.Runtime.CompilerServices;
using Gateway.Contracts;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Est;

/// <summary>
/// Label → profile: the label is mapped by <see cref="EstOptions.Labels"/> (else it names the profile), the profile is
/// resolved through the port (cached there, hits only, bounded), and EST's derived bodies are kept per resolved
/// profile instance (they go with it when a new version arrives).
/// </summary>
internal sealed class EstProfiles(IEnrollmentPort port, IOptions<EstOptions> options, EstTrustAnchors anchors)
{
    private readonly ConditionalWeakTable<EnrollmentProfile, EstProfile> _derived = new();

    /// <summary>The EST profile behind <paramref name="label"/> (null = the default), or null when there is none that allows EST.</summary>
    public async ValueTask<EstProfile?> ResolveAsync(string? label)
    {
        var name = label is null ? options.Value.DefaultProfile
            : options.Value.Labels.TryGetValue(label, out var mapped) ? mapped : label;
        var profile = await port.ResolveProfileAsync(EnrollmentProtocol.Est, name);
        if (profile is null) return null;
        return _derived.GetValue(profile, p => new EstProfile(p, anchors.For(p.Name)));
    }
}
