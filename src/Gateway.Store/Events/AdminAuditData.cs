namespace Gateway.Store.Events;

/// <summary>
/// The admin API's audit entry of an action whose own event records it: an enrollment requested through
/// <c>POST /api/v1/enrollments</c> carries it on its decision (<see cref="EnrollmentApproved"/>, <see cref="EnrollmentPending"/>
/// or <see cref="EnrollmentRejected"/>), committed with it, instead of a separate <see cref="AdminActionRecorded"/> row. The
/// target is the enrollment, the time the decision's. <see cref="Status"/> and <see cref="Detail"/>: the HTTP status the
/// action was answered with and the problem slug of a refusal. The audit log reads both forms (<c>AdminAuditQueries</c>).
/// </summary>
public sealed record AdminAuditData(string Actor, string Action, string? ClientAddress, int Status, string? Detail)
{
    /// <summary>The audit entry an enrollment decision carries; null for any other event and a decision without one.</summary>
    public static AdminAuditData? Of(object e) => e switch
    {
        EnrollmentApproved approved => approved.Audit,
        EnrollmentPending pending => pending.Audit,
        EnrollmentRejected rejected => rejected.Audit,
        _ => null,
    };

    /// <summary>
    /// <paramref name="decision"/> (an enrollment decision event) carrying <paramref name="audit"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="decision"/> is not a decision.</exception>
    public static object Attach(object decision, AdminAuditData audit) => decision switch
    {
        EnrollmentApproved approved => approved with { Audit = audit },
        EnrollmentPending pending => pending with { Audit = audit },
        EnrollmentRejected rejected => rejected with { Audit = audit },
        _ => throw new ArgumentException($"{decision.GetType().Name} is not an enrollment decision", nameof(decision)),
    };
}
