namespace Gateway.Store.Events;

/// <summary>
/// In the renewed certificate's stream: <see cref="SupersededBy"/> replaces it (the certificate stays valid until it
/// expires or is revoked). Written in the same transaction as the new certificate's <see cref="CertificateRenewed"/>.
/// </summary>
public sealed record CertificateSuperseded(
    string Serial,
    string SupersededBy,
    string EnrollmentId,
    DateTimeOffset At);
