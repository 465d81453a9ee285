namespace Gateway.Store.Events;

/// <summary>Policy wants an administrator to decide.</summary>
public sealed record EnrollmentPending(
    string EnrollmentId,
    string Reason,
    string ProfileVersion,
    FiredRuleData[] Rules,
    DateTimeOffset At);
