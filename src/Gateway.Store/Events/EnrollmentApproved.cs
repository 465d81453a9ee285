namespace Gateway.Store.Events;

/// <summary>
/// Policy (or an administrator, for a pending request) allowed the enrollment; <see cref="Comment"/> is the approving
/// administrator's, if any. <see cref="Audit"/>: the admin API's audit entry of the request this decision answered, if it
/// came through the admin API (<see cref="AdminAuditData"/>).
/// </summary>
public sealed record EnrollmentApproved(
    string EnrollmentId,
    string Actor,
    string ProfileVersion,
    string? DecidingRule,
    FiredRuleData[] Rules,
    DateTimeOffset At,
    string? Comment = null,
    AdminAuditData? Audit = null);
