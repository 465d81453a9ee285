namespace Gateway.Store.Events;

/// <summary>
/// A front-end handed an enrollment to the pipeline. First event of an enrollment stream (id = enrollment id).
/// <see cref="Fingerprint"/> identifies the request under its transaction id (requester + SHA-256 of the CSR or template,
/// see <c>Gateway.Contracts.RequestFingerprint</c>); null in events recorded before it was. <see cref="RequiresConfirmation"/>:
/// the certificate, once issued, awaits the requester's confirmation. <see cref="RequesterClaims"/>: the attributes of the
/// authenticated identity the front-end vouched for (client certificate CN, subject serialNumber), so that an approval
/// decides with the same names the request was bound to; null in events recorded before they were. <see cref="Template"/>:
/// the request's template when it carried one instead of a CSR (null otherwise, and in events recorded before it was).
/// <see cref="RequestKey"/>: the key the request is found again by when it is not the enrollment id (an EST request's
/// protocol and digest, <c>Gateway.Contracts.EnrollmentKeys.For</c>): the enrollment itself has a time-ordered id, and a
/// repeat of the request finds it through <c>EnrollmentRecord.RequestKey</c>. Null when the enrollment id is the key.
/// </summary>
public sealed record EnrollmentRequested(
    string EnrollmentId,
    string Protocol,
    string Profile,
    string AuthenticationMethod,
    string Principal,
    string TransactionId,
    string Subject,
    string[] SubjectAltNames,
    string Key,
    string? RenewalOf,
    byte[]? Csr,
    DateTimeOffset At,
    string? Fingerprint = null,
    bool RequiresConfirmation = false,
    Dictionary<string, string>? RequesterClaims = null,
    RequestedTemplateData? Template = null,
    string? RequestKey = null);
