namespace Gateway.Store.Events;

/// <summary>
/// The requester confirmed the certificate issued for this enrollment (CMP certConf with status accepted): the
/// enrollment, fulfilled with a confirmation window, is now settled. Appended to the enrollment stream.
/// </summary>
public sealed record CertificateConfirmed(
    string EnrollmentId,
    string Serial,
    string Actor,
    DateTimeOffset At);
