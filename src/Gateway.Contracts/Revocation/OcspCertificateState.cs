namespace Gateway.Contracts.Revocation;

/// <summary>What a successful OCSP answer says of the certificate asked about (RFC 6960 §4.2.1 CertStatus), for front-end metrics.</summary>
[GenerateSerializer, Alias("Gateway.OcspCertificateState")]
public enum OcspCertificateState
{
    Good = 0,
    Revoked = 1,
    Unknown = 2,
}
