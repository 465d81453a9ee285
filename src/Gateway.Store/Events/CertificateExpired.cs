namespace Gateway.Store.Events;

/// <summary>The expiry job saw the certificate past its notAfter (at most once per certificate).</summary>
public sealed record CertificateExpired(
    string Serial,
    DateTimeOffset NotAfter,
    DateTimeOffset At);
