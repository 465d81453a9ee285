namespace Gateway.Pkix.Csr;

/// <summary>
/// A certificate signing request (or its PEM/base64 wrapping) is malformed. The message is precise and meant for the
/// requester ("CSR version must be 0 (v1), found 1"); map it to a bad-request answer at the edge.
/// </summary>
public sealed class CsrFormatException : FormatException
{
    public CsrFormatException()
        : base("CSR is malformed")
    {
    }

    public CsrFormatException(string message)
        : base(message)
    {
    }

    public CsrFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
