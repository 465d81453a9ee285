using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of an enrollment stream: where an enrollment stands.</summary>
public sealed class EnrollmentRecord
{
    public string Id { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string Profile { get; set; } = "";
    public string Requester { get; set; } = "";
    public string TransactionId { get; set; } = "";
    /// <summary>
    /// The key a repeat of the request finds this enrollment by, when it is not <see cref="Id"/> (EST: protocol and the
    /// request's digest); null otherwise. Unique among enrollments (a partial unique index), so two nodes that take the
    /// same request at once cannot both record it.
    /// </summary>
    public string? RequestKey { get; set; }
    public string Subject { get; set; } = "";
    public string[] SubjectAltNames { get; set; } = [];
    /// <summary>SANs joined in lower case, for substring search.</summary>
    public string SanText { get; set; } = "";
    /// <summary>The requested key, described ("EC P-256", "RSA 2048").</summary>
    public string Key { get; set; } = "";
    public string? RenewalOf { get; set; }
    /// <summary>
    /// Requested, Approved, Rejected, Pending, Issued, AwaitingConfirmation (issued, the requester's confirmation due by
    /// <see cref="ConfirmBy"/>), ConfirmationRefused (issued, then refused or not confirmed in time, and revoked): the last decision's. A refusal that says "try again" (rate limited,
    /// unavailable) can be followed by another decision when the same request comes back.
    /// </summary>
    public string Status { get; set; } = "Requested";
    public string? Serial { get; set; }
    public string? RejectionReason { get; set; }
    public string? Message { get; set; }
    /// <summary>
    /// The rules that fired in a decision the requester is answered with: a pending or rejected one. An approval's
    /// rules stay on its <see cref="EnrollmentApproved"/> event (about 1 kB of an admin enrollment's 7 kB of JSON, which
    /// the stored snapshot would only repeat); <see cref="EnrollmentQueries.GetStreamAsync"/> reads them from there.
    /// </summary>
    public FiredRuleData[] Rules { get; set; } = [];
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The profile version that decided (the last decision's).</summary>
    public string? ProfileVersion { get; set; }
    /// <summary>Who decided: <c>policy</c>, <c>gateway</c> (malformed request) or the administrator who approved or denied.</summary>
    public string? DecidedBy { get; set; }
    public string? DecidingRule { get; set; }
    /// <summary>The enrollment waited for an administrator (it was Pending at some point).</summary>
    public bool ApprovalRequired { get; set; }

    public static EnrollmentRecord Create(EnrollmentRequested e) => new()
    {
        Id = e.EnrollmentId,
        Protocol = e.Protocol,
        Profile = e.Profile,
        Requester = $"{e.AuthenticationMethod}:{e.Principal}",
        TransactionId = e.TransactionId,
        RequestKey = e.RequestKey,
        Subject = e.Subject,
        SubjectAltNames = e.SubjectAltNames,
        SanText = string.Join(' ', e.SubjectAltNames).ToLowerInvariant(),
        Key = e.Key,
        RenewalOf = e.RenewalOf,
        RequestedAt = e.At,
        UpdatedAt = e.At,
    };

    public void Apply(EnrollmentApproved e)
    {
        Status = "Approved";
        RejectionReason = null;
        Message = e.Comment;
        Rules = [];
        ProfileVersion = e.ProfileVersion;
        DecidedBy = e.Actor;
        DecidingRule = e.DecidingRule;
        UpdatedAt = e.At;
    }

    public void Apply(EnrollmentPending e)
    {
        Status = "Pending";
        RejectionReason = null;
        Message = e.Reason;
        Rules = e.Rules;
        ProfileVersion = e.ProfileVersion;
        ApprovalRequired = true;
        UpdatedAt = e.At;
    }

    public void Apply(EnrollmentRejected e)
    {
        Status = "Rejected";
        RejectionReason = e.Reason;
        Message = e.Message;
        Rules = e.Rules;
        ProfileVersion = e.ProfileVersion ?? ProfileVersion;
        DecidedBy = e.Actor;
        DecidingRule = e.DecidingRule;
        UpdatedAt = e.At;
    }

    /// <summary>While <see cref="Status"/> is AwaitingConfirmation: when the certificate is revoked unless confirmed.</summary>
    public DateTimeOffset? ConfirmBy { get; set; }

    public void Apply(EnrollmentFulfilled e)
    {
        Status = e.ConfirmBy is null ? "Issued" : "AwaitingConfirmation";
        Serial = e.Serial;
        ConfirmBy = e.ConfirmBy;
        UpdatedAt = e.At;
    }

    public void Apply(CertificateConfirmed e)
    {
        Status = "Issued";
        ConfirmBy = null;
        UpdatedAt = e.At;
    }

    public void Apply(CertificateConfirmationRefused e)
    {
        Status = "ConfirmationRefused";
        ConfirmBy = null;
        Message = e.Reason;
        DecidedBy = e.Actor;
        UpdatedAt = e.At;
    }
}
