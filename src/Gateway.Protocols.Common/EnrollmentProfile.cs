using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Common;

/// <summary>
/// A profile as front-ends see it, with what is derived from it computed once per version: the CA chain as
/// certificates (the root as anchor, the rest as intermediates) for checking the gateway's own client certificates.
/// Immutable; the port hands out the same instance while the profile's version is unchanged, so front-ends may key
/// their own derived data on it.
/// </summary>
public sealed class EnrollmentProfile
{
    public EnrollmentProfile(ProfileSummary summary)
    {
        Summary = summary;
        var anchors = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        for (var i = 0; i < summary.ChainDer.Count; i++)
        {
            var certificate = X509CertificateLoader.LoadCertificate(summary.ChainDer[i]);
            if (i == summary.ChainDer.Count - 1) anchors.Add(certificate);
            else intermediates.Add(certificate);
        }
        foreach (var earlier in summary.EarlierIssuerCertificates ?? [])
        {
            intermediates.Add(X509CertificateLoader.LoadCertificate(earlier)); // a certificate from before a CA rollover still chains
        }
        CaCertificates = [.. summary.ChainDer, .. summary.EarlierIssuerCertificates ?? []];
        GatewayAnchors = anchors;
        GatewayIntermediates = intermediates;
    }

    public ProfileSummary Summary { get; }

    public string Name => Summary.Name;

    public int Version => Summary.Version;

    /// <summary>The issuing CA's id (for its CRL and CA certificate URLs).</summary>
    public string IssuerId => Summary.IssuerId;

    /// <summary>The CA chain (DER): the issuing CA first, the root last.</summary>
    public IReadOnlyList<byte[]> Chain => Summary.ChainDer;

    /// <summary>
    /// Every CA certificate a client may need to build the chain of a certificate issued here: <see cref="Chain"/>, then the
    /// earlier issuing CA generations still served after a rollover (EST <c>/cacerts</c>, CMP <c>caCerts</c>).
    /// </summary>
    public IReadOnlyList<byte[]> CaCertificates { get; }

    /// <summary>The ids of the earlier issuer generations still served (their CRLs still list what they signed).</summary>
    public IReadOnlyList<string> EarlierIssuerIds => Summary.EarlierIssuerIds ?? [];

    /// <summary>The gateway's root, as the anchor of its own client certificates.</summary>
    public X509Certificate2Collection GatewayAnchors { get; }

    /// <summary>The gateway's issuing CA(s): the current generation and earlier ones still served.</summary>
    public X509Certificate2Collection GatewayIntermediates { get; }

    /// <summary>Whether a gateway certificate issued under <paramref name="profile"/> may authenticate an enrollment here (own profile or <c>acceptsCertificatesFrom</c>).</summary>
    public bool AcceptsCertificatesFrom(string profile) =>
        string.Equals(profile, Name, StringComparison.Ordinal) || Summary.AcceptsCertificatesFrom.Contains(profile, StringComparer.Ordinal);
}
