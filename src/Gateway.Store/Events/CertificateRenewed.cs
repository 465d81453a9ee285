namespace Gateway.Store.Events;

/// <summary>
/// In the new certificate's stream, right after its <see cref="CertificateIssued"/>: it renews <see cref="RenewalOf"/>.
/// The renewed certificate's stream gets the matching <see cref="CertificateSuperseded"/> in the same transaction.
/// </summary>
public sealed record CertificateRenewed(
    string Serial,
    string RenewalOf,
    string EnrollmentId,
    DateTimeOffset At);
