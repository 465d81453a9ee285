namespace Gateway.Ca;

/// <summary>
/// The issuing CA a certificate was asked of has expired: nothing can be signed by it. A condition of the deployment,
/// not of the request: enrollments answer it as unavailable ("retry later", HTTP 503 in each protocol's terms) while
/// operators roll the CA over, never as a server error.
/// </summary>
public sealed class IssuingCaExpiredException(string issuerId, DateTimeOffset notAfter)
    : InvalidOperationException($"The issuing CA '{issuerId}' expired on {notAfter:u}; no certificate can be issued until it is replaced.")
{
    public string IssuerId { get; } = issuerId;

    public DateTimeOffset NotAfter { get; } = notAfter;
}
