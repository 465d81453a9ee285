using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Protocols.Common;

namespace Gateway.Protocols.Est;

/// <summary>A profile as EST serves it, with what is derived from it computed once per version: the manufacturer anchors and the cacerts and csrattrs bodies.</summary>
internal sealed class EstProfile
{
    public EstProfile(EnrollmentProfile profile, X509Certificate2Collection manufacturerAnchors)
    {
        Profile = profile;
        ManufacturerAnchors = manufacturerAnchors;
        // RFC 7030 §4.1.3: what a client needs to build a chain from any certificate this CA issued (earlier generations too).
        CaCertsBody = EstEncoding.Base64Lines(CertsOnlyPkcs7.Encode(profile.CaCertificates));
        CsrAttrsBody = EstEncoding.Base64Lines(EstEncoding.CsrAttrs(profile.Summary));
    }

    public EnrollmentProfile Profile { get; }

    public ProfileSummary Summary => Profile.Summary;

    public string Name => Profile.Name;

    public X509Certificate2Collection ManufacturerAnchors { get; }

    public string CaCertsBody { get; }

    public string CsrAttrsBody { get; }
}
