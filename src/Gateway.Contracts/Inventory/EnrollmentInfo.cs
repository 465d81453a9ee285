namespace Gateway.Contracts.Inventory;

/// <summary>
/// One enrollment explained: the request, the decision with every rule that fired, and the resulting certificate.
/// </summary>
/// <param name="Csr">The PKCS#10 request as received (DER), when it had one; only filled for a single enrollment, not in lists.</param>
/// <param name="Certificate">The certificate issued, when <see cref="Status"/> is Issued; only filled for a single enrollment.</param>
/// <param name="DecidedBy">Who decided: <c>policy</c>, <c>gateway</c> (a malformed request) or the administrator who approved or denied.</param>
/// <param name="ApprovalRequired">The enrollment waited for an administrator (the profile asks for manual approval).</param>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentInfo")]
public sealed record EnrollmentInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] EnrollmentStatus Status,
    [property: Id(2)] EnrollmentProtocol Protocol,
    [property: Id(3)] string Profile,
    [property: Id(4)] string Requester,
    [property: Id(5)] string TransactionId,
    [property: Id(6)] string Subject,
    [property: Id(7)] IReadOnlyList<string> SubjectAltNames,
    [property: Id(8)] string Key,
    [property: Id(9)] string? RenewalOf,
    [property: Id(10)] DateTimeOffset RequestedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] string? ProfileVersion,
    [property: Id(13)] string? DecidedBy,
    [property: Id(14)] string? DecidingRule,
    [property: Id(15)] RejectionReason? RejectionReason,
    [property: Id(16)] string? Message,
    [property: Id(17)] IReadOnlyList<FiredRule> FiredRules,
    [property: Id(18)] string? Serial,
    [property: Id(19)] CertificateInfo? Certificate,
    [property: Id(20)] byte[]? Csr,
    [property: Id(21)] bool ApprovalRequired = false);
