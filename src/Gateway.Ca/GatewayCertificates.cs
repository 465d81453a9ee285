using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>
/// The one path by which the CA signs a certificate for the gateway itself: sign, then record in the store before the
/// certificate is used. A failure to record throws, so nothing uses a certificate the store does not know.
/// </summary>
public static class GatewayCertificates
{
    /// <summary>Role names, recorded as the certificate's profile <c>gateway:&lt;role&gt;</c>.</summary>
    public const string TlsServer = "tls-server";
    public const string Silo = "silo";
    public const string OcspResponder = "ocsp-responder";
    public const string ScepRa = "scep-ra";

    public static IssuedCertificate Issue(ICertificateAuthority ca, IGatewayCertificateRecorder recorder, CertificateTemplate template, string role)
    {
        var issued = ca.Issue(template);
        recorder.Record(issued, role, issued.IssuerId is { Length: > 0 } generation ? generation : template.IssuerId);
        return issued;
    }
}
