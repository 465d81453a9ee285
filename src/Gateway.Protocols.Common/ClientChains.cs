using System.Security.Cryptography.X509Certificates;
using Gateway.Pkix;

namespace Gateway.Protocols.Common;

/// <summary>
/// Chain building for client certificates: only from the given anchors and intermediates. Nothing is ever fetched
/// (no AIA caIssuers downloads: a client must not make the gateway open connections of its choosing before it is
/// authenticated), and revocation is checked by the caller where it can (the gateway's own certificates).
/// </summary>
internal static class ClientChains
{
    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="anchors"/> at <paramref name="now"/>. The answer
    /// is remembered for the TLS connection (see <see cref="ClientChainCache"/>): a device's keep-alive connection pays for
    /// one chain build, not one per request.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection anchors, X509Certificate2Collection intermediates, DateTimeOffset now)
    {
        if (anchors.Count == 0) return false;
        return ClientChainCache.GetOrBuild(certificate, anchors, intermediates, now);
    }

    /// <summary>Builds the chain (no cache): the valid-until of the answer is the earliest notAfter in the built chain.</summary>
    internal static bool Build(X509Certificate2 certificate, X509Certificate2Collection anchors, X509Certificate2Collection intermediates, DateTimeOffset now,
        out DateTimeOffset chainNotAfter)
    {
        chainNotAfter = DateTimeOffset.MinValue;
        if (anchors.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        // A device certificate need not carry clientAuth (IDevIDs often don't); the TLS layer already proved key possession.
        try
        {
            if (!chain.Build(certificate)) return false;
            chainNotAfter = DateTimeOffset.MaxValue;
            foreach (var element in chain.ChainElements)
            {
                var notAfter = new DateTimeOffset(element.Certificate.NotAfter.ToUniversalTime());
                if (notAfter < chainNotAfter) chainNotAfter = notAfter;
            }
            return true;
        }
        finally
        {
            foreach (var element in chain.ChainElements) element.Certificate.Dispose();
        }
    }

    /// <summary>The serial as the gateway writes it: lowercase hex of the INTEGER's content without a leading 00.</summary>
    public static string Serial(X509Certificate2 certificate)
    {
        var hex = certificate.SerialNumber.ToLowerInvariant();
        return hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal) ? hex[2..] : hex;
    }

    /// <summary>Whether the certificate's extended key usage includes clientAuth (an EKU extension is required).</summary>
    public static bool HasClientAuth(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var oid in eku.EnhancedKeyUsages)
                {
                    if (oid.Value == ClientAuthOid) return true;
                }
                return false;
            }
        }
        return false;
    }

    private const string ClientAuthOid = Oids.ClientAuth;
}
