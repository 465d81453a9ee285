namespace Gateway.Contracts;

/// <summary>What an enrollment came to. Front-ends encode it in their protocol's own terms.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentOutcome")]
public abstract record EnrollmentOutcome([property: Id(0)] string EnrollmentId)
{
    /// <summary>The request's <see cref="EnrollmentRequest.Audit"/> entry was committed with this decision (false for a replayed outcome).</summary>
    [Id(1)]
    public bool Audited { get; init; }
}

/// <summary>
/// Issued: the certificate (DER) and its chain (DER, issuing CA first, root last), and when its issuance was committed.
/// Its issuance event is committed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentOutcome.Issued")]
public sealed record IssuedOutcome(
    string EnrollmentId,
    [property: Id(0)] string Serial,
    [property: Id(1)] byte[] Certificate,
    [property: Id(2)] IReadOnlyList<byte[]> Chain,
    [property: Id(3)] DateTimeOffset IssuedAt) : EnrollmentOutcome(EnrollmentId);

[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentOutcome.Pending")]
public sealed record PendingOutcome(
    string EnrollmentId,
    [property: Id(0)] TimeSpan RetryAfter,
    [property: Id(1)] string Reason) : EnrollmentOutcome(EnrollmentId);

[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentOutcome.Rejected")]
public sealed record RejectedOutcome(
    string EnrollmentId,
    [property: Id(0)] RejectionReason Reason,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyList<FiredRule> FiredRules) : EnrollmentOutcome(EnrollmentId);
