using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>Checks a TLS client certificate against a set of anchors (chain only; the caller checks revocation where it can).</summary>
internal static class EstClientCertificates
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

    /// <summary>The gateway's own chain for a profile, as anchors (the root) and intermediates (the rest).</summary>
    public static (X509Certificate2Collection Anchors, X509Certificate2Collection Intermediates) GatewayChain(ProfileSummary profile)
    {
        var anchors = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        for (var i = 0; i < profile.ChainDer.Count; i++)
        {
            var cert = X509CertificateLoader.LoadCertificate(profile.ChainDer[i]);
            if (i == profile.ChainDer.Count - 1) anchors.Add(cert);
            else intermediates.Add(cert);
        }
        return (anchors, intermediates);
    }

    /// <summary>The serial as the gateway writes it: lowercase hex of the INTEGER's content without a leading 00.</summary>
    public static string Serial(X509Certificate2 certificate)
    {
        var hex = certificate.SerialNumber.ToLowerInvariant();
        return hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal) ? hex[2..] : hex;
    }
}
