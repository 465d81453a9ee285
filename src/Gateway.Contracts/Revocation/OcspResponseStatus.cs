namespace Gateway.Contracts.Revocation;

/// <summary>RFC 6960 §4.2.1 OCSPResponseStatus (4 is unused).</summary>
[GenerateSerializer, Alias("Gateway.OcspResponseStatus")]
public enum OcspResponseStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}
