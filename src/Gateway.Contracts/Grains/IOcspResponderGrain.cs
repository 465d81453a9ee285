using Gateway.Contracts.Revocation;

namespace Gateway.Contracts.Grains;

/// <summary>
/// The OCSP responder (a stateless worker, key 0, local to every silo): answers one CertID with a signed response,
/// pre-signed and cached per serial where the request has no nonce.
/// </summary>
[Alias("Gateway.IOcspResponderGrain")]
public interface IOcspResponderGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// A signed good / revoked / unknown response, <see cref="OcspResponseStatus.Unauthorized"/> for an issuer this
    /// gateway does not serve, <see cref="OcspResponseStatus.MalformedRequest"/> for an unsupported hash algorithm.
    /// </summary>
    [Alias("RespondAsync")]
    Task<OcspAnswer> RespondAsync(OcspCertificateRequest request);
}
