namespace Gateway.Store.Events;

/// <summary>
/// Closes an enrollment stream: the certificate with this serial was issued for it. The certificate's own stream
/// (id = serial) starts with <see cref="CertificateIssued"/> in the same transaction.
/// </summary>
public sealed record EnrollmentFulfilled(
    string EnrollmentId,
    string Serial,
    DateTimeOffset At);
