namespace Gateway.Store.Events;

/// <summary>Policy (or an administrator) refused the enrollment. <see cref="Audit"/>: as <see cref="EnrollmentApproved.Audit"/>.</summary>
public sealed record EnrollmentRejected(
    string EnrollmentId,
    string Actor,
    string Reason,
    string Message,
    string? DecidingRule,
    FiredRuleData[] Rules,
    DateTimeOffset At,
    string? ProfileVersion = null,
    AdminAuditData? Audit = null);
