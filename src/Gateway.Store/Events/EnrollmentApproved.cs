namespace Gateway.Store.Events;

/// <summary>Policy (or an administrator, for a pending request) allowed the enrollment; <see cref="Comment"/> is the approving administrator's, if any.</summary>
public sealed record EnrollmentApproved(
    string EnrollmentId,
    string Actor,
    string ProfileVersion,
    string? DecidingRule,
    FiredRuleData[] Rules,
    DateTimeOffset At,
    string? Comment = null);
