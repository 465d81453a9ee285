using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Inventory;

namespace Gateway.Protocols.Common;

/// <summary>
/// The client-certificate rules (issue 13 item 2), over a certificate lookup so they are testable without a cluster:
/// a certificate chaining to the gateway's own CA authenticates only if it is the stored, valid certificate, carries
/// clientAuth, and was issued in the target profile or one it accepts (a renewal: the target profile itself); a
/// manufacturer certificate authenticates an enrollment, never a renewal.
/// </summary>
internal sealed class ClientCertificateVerifier(Func<string, Task<CertificateInfo?>> lookup, TimeProvider time)
{
    public async Task<ClientCertificateCheck> VerifyAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use,
        X509Certificate2Collection manufacturerAnchors, X509Certificate2Collection clientIntermediates)
    {
        var now = time.GetUtcNow();
        if (ClientChains.ChainsTo(certificate, profile.GatewayAnchors, profile.GatewayIntermediates, now))
        {
            var serial = ClientChains.Serial(certificate);
            if (!ClientChains.HasClientAuth(certificate))
            {
                return Refused(ClientCertificateStatus.NotClientAuth, $"The client certificate {serial} is not for client authentication (no clientAuth extended key usage).",
                    ClientCertificateMetrics.NotClientAuth);
            }
            var record = await lookup(serial);
            if (record is null || record.Status != CertificateStatus.Valid || record.NotAfter <= now || !record.Der.AsSpan().SequenceEqual(certificate.RawData))
            {
                var state = record is null || !record.Der.AsSpan().SequenceEqual(certificate.RawData) ? "unknown to this gateway"
                    : record.Status == CertificateStatus.Valid ? "expired" : record.Status.ToString().ToLowerInvariant();
                var reason = record is not null && record.Status == CertificateStatus.Valid && record.Der.AsSpan().SequenceEqual(certificate.RawData)
                    ? ClientCertificateMetrics.Expired : ClientCertificateMetrics.ReasonFor(record);
                return Refused(ClientCertificateStatus.NotValid, $"The client certificate {serial} is {state}.", reason);
            }
            var accepted = use == ClientCertificateUse.Renewal
                ? string.Equals(record.Profile, profile.Name, StringComparison.Ordinal)
                : profile.AcceptsCertificatesFrom(record.Profile);
            if (!accepted)
            {
                return Refused(ClientCertificateStatus.WrongProfile, use == ClientCertificateUse.Renewal
                    ? $"The client certificate {serial} was issued under profile '{record.Profile}'; a renewal stays in its profile ('{profile.Name}' requested)."
                    : $"Profile '{profile.Name}' does not accept client certificates issued under profile '{record.Profile}'.",
                    ClientCertificateMetrics.WrongProfile);
            }
            return new ClientCertificateCheck(ClientCertificateStatus.GatewayIssued,
                new Requester(AuthenticationMethods.GatewayCertificate, certificate.Subject, RequesterClaims.FromClientCertificate(certificate)), serial, record.Profile, "");
        }
        if (use == ClientCertificateUse.Renewal)
        {
            return Refused(ClientCertificateStatus.NotGatewayIssued, "A renewal requires the current certificate issued by this gateway as the client certificate.",
                ClientCertificateMetrics.NotGatewayIssued);
        }
        if (ClientChains.ChainsTo(certificate, manufacturerAnchors, clientIntermediates, now))
        {
            return new ClientCertificateCheck(ClientCertificateStatus.Manufacturer,
                new Requester(AuthenticationMethods.ManufacturerCertificate, certificate.Subject, RequesterClaims.FromClientCertificate(certificate)), null, null, "");
        }
        return Refused(ClientCertificateStatus.NotTrusted, "The client certificate is not trusted for this profile.", ClientCertificateMetrics.Untrusted);
    }

    private static ClientCertificateCheck Refused(ClientCertificateStatus status, string message, string reason) => new(status, null, null, null, message, reason);
}
