namespace Gateway.Contracts.Grains;

/// <summary>
/// What an administrator's approval or denial came to: the status, the enrollment's outcome afterwards (Issued or
/// Rejected, or still Pending when the approval could not issue), a message, and the rules that fired when policy
/// refused the approval.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentDecisionResult")]
public sealed record EnrollmentDecisionResult(
    [property: Id(0)] EnrollmentDecisionStatus Status,
    [property: Id(1)] EnrollmentOutcome? Outcome,
    [property: Id(2)] string Message,
    [property: Id(3)] IReadOnlyList<FiredRule> FiredRules);

[GenerateSerializer, Alias("Gateway.EnrollmentDecisionStatus")]
public enum EnrollmentDecisionStatus
{
    /// <summary>Approved now; the certificate is issued and committed.</summary>
    Approved = 0,
    /// <summary>Denied now.</summary>
    Denied = 1,
    /// <summary>It was approved before (idempotent repeat).</summary>
    AlreadyApproved = 2,
    /// <summary>It was denied before (idempotent repeat).</summary>
    AlreadyDenied = 3,
    /// <summary>It is not pending: decided by policy, or decided the other way by an administrator.</summary>
    NotPending = 4,
    NotFound = 5,
    /// <summary>Policy, evaluated again at approval, refuses the request now (profile changed, key now in use...); it stays pending.</summary>
    RefusedByPolicy = 6,
    /// <summary>A quota is exhausted at approval; it stays pending and can be approved later.</summary>
    QuotaExceeded = 7,
}
