using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Common;

/// <summary>
/// Chain-building results per client certificate object. Kestrel hands every request of a TLS connection the same
/// <see cref="X509Certificate2"/> instance, so keying on the instance (weakly: the entry goes with the connection)
/// caches per connection without trusting anything the client could repeat on another one. An answer is reused only
/// for the same anchor and intermediate collections (a profile change makes new ones), for at most
/// <see cref="MaxAge"/>, never past the earliest notAfter of the chain it built, and never for an earlier clock
/// reading than the one it was computed at. Revocation is not part of the cached answer: the caller checks it per
/// request where it can (certificates of this gateway).
/// </summary>
internal static class ClientChainCache
{
    /// <summary>How long an answer is trusted without building the chain again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private const int MaxEntriesPerCertificate = 8;
    private static readonly ConditionalWeakTable<X509Certificate2, List<Entry>> Table = new();

    public static bool GetOrBuild(X509Certificate2 certificate, X509Certificate2Collection anchors, X509Certificate2Collection intermediates, DateTimeOffset now)
    {
        // An empty intermediates collection is the same question whichever instance carries it.
        var intermediatesKey = intermediates.Count == 0 ? null : intermediates;
        var entries = Table.GetValue(certificate, static _ => []);
        lock (entries)
        {
            foreach (var entry in entries)
            {
                if (ReferenceEquals(entry.Anchors, anchors) && ReferenceEquals(entry.Intermediates, intermediatesKey)
                    && now >= entry.CheckedAt && now < entry.ValidUntil)
                {
                    return entry.Valid;
                }
            }
        }
        var valid = ClientChains.Build(certificate, anchors, intermediates, now, out var chainNotAfter);
        var validUntil = now + MaxAge;
        if (valid && chainNotAfter < validUntil) validUntil = chainNotAfter;
        lock (entries)
        {
            entries.RemoveAll(e => ReferenceEquals(e.Anchors, anchors) && ReferenceEquals(e.Intermediates, intermediatesKey));
            if (entries.Count >= MaxEntriesPerCertificate) entries.RemoveAt(0);
            entries.Add(new Entry(anchors, intermediatesKey, now, validUntil, valid));
        }
        return valid;
    }

    private sealed record Entry(
        X509Certificate2Collection Anchors, X509Certificate2Collection? Intermediates, DateTimeOffset CheckedAt, DateTimeOffset ValidUntil, bool Valid);
}
