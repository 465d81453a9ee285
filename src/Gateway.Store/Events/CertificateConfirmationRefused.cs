namespace Gateway.Store.Events;

/// <summary>
/// The certificate issued for this enrollment was not accepted: the requester refused it (CMP certConf with status
/// rejection; <see cref="Actor"/> the requester) or did not confirm it within the confirmation window (<see cref="Actor"/>
/// <c>gateway</c>). The certificate is revoked first (its own stream has the <see cref="CertificateRevoked"/>).
/// Appended to the enrollment stream.
/// </summary>
public sealed record CertificateConfirmationRefused(
    string EnrollmentId,
    string Serial,
    string Actor,
    string Reason,
    DateTimeOffset At);
