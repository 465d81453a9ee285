namespace Gateway.Store.Events;

public sealed record CertificateRevoked(
    string Serial,
    string Reason,
    DateTimeOffset? InvalidityDate,
    string Actor,
    DateTimeOffset At);
