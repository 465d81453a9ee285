using Gateway.Contracts;

namespace Gateway.Protocols.Common;

/// <summary>
/// The result of a client-certificate check: on success the <see cref="Requester"/> to enroll as (method
/// <see cref="AuthenticationMethods.GatewayCertificate"/> or <see cref="AuthenticationMethods.ManufacturerCertificate"/>,
/// principal the certificate's subject) and, for a gateway certificate, its serial and profile; on failure a
/// message safe to show the client.
/// </summary>
public sealed record ClientCertificateCheck(
    ClientCertificateStatus Status,
    Requester? Requester,
    string? Serial,
    string? Profile,
    string Message,
    string? RefusalReason = null)
{
    public bool Authenticated => Status is ClientCertificateStatus.GatewayIssued or ClientCertificateStatus.Manufacturer;
}
