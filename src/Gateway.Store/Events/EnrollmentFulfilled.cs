namespace Gateway.Store.Events;

/// <summary>
/// Closes an enrollment stream: the certificate with this serial was issued for it. The certificate's own stream
/// (id = serial) starts with <see cref="CertificateIssued"/> in the same transaction. With <see cref="ConfirmBy"/>, the
/// requester must confirm the certificate by then (<see cref="CertificateConfirmed"/>), else it is revoked
/// (<see cref="CertificateConfirmationRefused"/>).
/// </summary>
public sealed record EnrollmentFulfilled(
    string EnrollmentId,
    string Serial,
    DateTimeOffset At,
    DateTimeOffset? ConfirmBy = null);
