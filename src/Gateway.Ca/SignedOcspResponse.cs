namespace Gateway.Ca;

/// <summary>A complete DER OCSPResponse (status successful, id-pkix-ocsp-basic) and the times it carries.</summary>
public sealed record SignedOcspResponse(byte[] Der, DateTimeOffset ProducedAt, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);
