namespace Gateway.Store.Events;

/// <summary>Policy (or an administrator) refused the enrollment.</summary>
public sealed record EnrollmentRejected(
    string EnrollmentId,
    string Actor,
    string Reason,
    string Message,
    string? DecidingRule,
    FiredRuleData[] Rules,
    DateTimeOffset At,
    string? ProfileVersion = null);
