namespace Gateway.Protocols.Scep;

/// <summary>A PKIOperation answer: a CertRep (<c>application/x-pki-message</c>), or an HTTP error with a text body for a message too broken to answer in SCEP terms.</summary>
internal sealed record ScepReply(byte[]? CertRep, int HttpStatus, string? Error, TimeSpan? RetryAfter = null)
{
    public static ScepReply Of(byte[] certRep) => new(certRep, 200, null);

    public static ScepReply Http(int status, string error, TimeSpan? retryAfter = null) => new(null, status, error, retryAfter);
}
