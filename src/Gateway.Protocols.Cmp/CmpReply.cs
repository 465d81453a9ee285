namespace Gateway.Protocols.Cmp;

/// <summary>What goes back over HTTP: a PKIMessage (always HTTP 200), or, only for a client refused unread, a status with text.</summary>
internal sealed record CmpReply(byte[]? Message, int HttpStatus = 200, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static CmpReply Of(byte[] message) => new(message);

    public static CmpReply Http(int status, string error, TimeSpan? retryAfter = null) => new(null, status, error, retryAfter);
}
