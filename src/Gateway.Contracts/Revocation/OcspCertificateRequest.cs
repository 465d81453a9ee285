namespace Gateway.Contracts.Revocation;

/// <summary>
/// One OCSP CertID as a client sent it (RFC 6960 §4.1.1), parsed by the OCSP front-end, plus the request's nonce.
/// </summary>
/// <param name="HashAlgorithmOid">The CertID's hash algorithm (SHA-1 per RFC 5019, or SHA-256/384/512).</param>
/// <param name="IssuerNameHash">Hash of the issuer's DER distinguished name.</param>
/// <param name="IssuerKeyHash">Hash of the issuer's public key (the subjectPublicKey BIT STRING's bytes).</param>
/// <param name="SerialNumber">The serial number as the contents of its DER INTEGER (big-endian two's complement).</param>
/// <param name="Nonce">The extnValue of the request's id-pkix-ocsp-nonce extension, echoed in the response; null when absent.</param>
[GenerateSerializer, Immutable, Alias("Gateway.OcspCertificateRequest")]
public sealed record OcspCertificateRequest(
    [property: Id(0)] string HashAlgorithmOid,
    [property: Id(1)] byte[] IssuerNameHash,
    [property: Id(2)] byte[] IssuerKeyHash,
    [property: Id(3)] byte[] SerialNumber,
    [property: Id(4)] byte[]? Nonce)
{
    /// <summary>
    /// RFC 5280 §4.1.2.2: serial numbers are at most 20 octets (the DER INTEGER's contents). Anything longer is no
    /// certificate's serial and is answered <c>malformedRequest</c> before it costs a lookup, a signature or memory.
    /// </summary>
    public const int MaxSerialNumberLength = 20;
}
