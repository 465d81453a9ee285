namespace Gateway.Store.Events;

/// <summary>Policy wants an administrator to decide. <see cref="Audit"/>: as <see cref="EnrollmentApproved.Audit"/>.</summary>
public sealed record EnrollmentPending(
    string EnrollmentId,
    string Reason,
    string ProfileVersion,
    FiredRuleData[] Rules,
    DateTimeOffset At,
    AdminAuditData? Audit = null);
