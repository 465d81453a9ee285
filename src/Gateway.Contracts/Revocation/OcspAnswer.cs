namespace Gateway.Contracts.Revocation;

/// <summary>
/// The responder's answer: the complete DER OCSPResponse to send as <c>application/ocsp-response</c>, and, for a
/// successful one, its times (for HTTP caching headers, RFC 5019 §6.2) and the certificate status it states.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.OcspAnswer")]
public sealed record OcspAnswer(
    [property: Id(0)] OcspResponseStatus Status,
    [property: Id(1)] byte[] Response,
    [property: Id(2)] DateTimeOffset? ThisUpdate = null,
    [property: Id(3)] DateTimeOffset? NextUpdate = null,
    [property: Id(4)] OcspCertificateState? CertificateState = null)
{
    /// <summary>An unsuccessful OCSPResponse: <c>SEQUENCE { responseStatus ENUMERATED }</c>, no responseBytes.</summary>
    public static OcspAnswer Error(OcspResponseStatus status) =>
        status == OcspResponseStatus.Successful
            ? throw new ArgumentOutOfRangeException(nameof(status), "A successful response carries responseBytes.")
            : new OcspAnswer(status, [0x30, 0x03, 0x0A, 0x01, (byte)status]);
}
