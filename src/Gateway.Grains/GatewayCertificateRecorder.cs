using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// Records the certificates the CA signs for the gateway itself as ordinary issued certificates: a
/// <c>CertificateIssued</c> in the certificate's own stream (profile <c>gateway:&lt;role&gt;</c>, protocol <c>gateway</c>,
/// requester the node), committed through the group-commit writer before the certificate is used. The inventory, OCSP,
/// the CRL and revocation then treat them like every other certificate.
/// </summary>
internal sealed class GatewayCertificateRecorder(IEventWriter writer, TimeProvider time, ILogger<GatewayCertificateRecorder> logger) : IGatewayCertificateRecorder
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(30);
    private static readonly string Node = $"{Environment.MachineName}-{Environment.ProcessId}";

    public void Record(IssuedCertificate certificate, string role, string issuerId)
    {
        var now = time.GetUtcNow();
        var issued = new CertificateIssued(certificate.Serial, $"gateway:{role}:{Node}:{certificate.Serial}", "gateway:" + role,
            EnrollmentGrain.ProtocolName(EnrollmentProtocol.Gateway), "gateway:" + Node, certificate.Subject, [], issuerId, certificate.Issuer,
            certificate.NotBefore, certificate.NotAfter, certificate.Sha256Fingerprint, certificate.Der, null, now);
        // Called on a TLS handshake or at start, at most once per certificate lifetime: waiting here is the point.
        writer.AppendAsync([new StreamAppend(certificate.Serial, true, [issued])]).WaitAsync(CommitTimeout).GetAwaiter().GetResult();
        logger.LogInformation("Recorded the gateway's {Role} certificate {Serial} ({Subject}), valid until {NotAfter:u}.",
            role, certificate.Serial, certificate.Subject, certificate.NotAfter);
    }
}
