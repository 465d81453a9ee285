using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>A profile as EST serves it, with what is derived from it computed once: the chain as certificates and the cacerts body.</summary>
internal sealed class EstProfile
{
    public EstProfile(ProfileSummary summary, X509Certificate2Collection manufacturerAnchors)
    {
        Summary = summary;
        (GatewayAnchors, GatewayIntermediates) = EstClientCertificates.GatewayChain(summary);
        ManufacturerAnchors = manufacturerAnchors;
        CaCertsBody = EstEncoding.Base64Lines(EstEncoding.CertsOnly(summary.ChainDer));
        CsrAttrsBody = EstEncoding.Base64Lines(EstEncoding.CsrAttrs(summary));
    }

    public ProfileSummary Summary { get; }

    public string Name => Summary.Name;

    public X509Certificate2Collection GatewayAnchors { get; }

    public X509Certificate2Collection GatewayIntermediates { get; }

    public X509Certificate2Collection ManufacturerAnchors { get; }

    public string CaCertsBody { get; }

    public string CsrAttrsBody { get; }
}
