using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Gateway.Admin.Authentication;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Endpoints;

/// <summary>Explaining enrollments (issued, rejected and pending alike) and deciding pending ones.</summary>
public static partial class EnrollmentEndpoints
{
    public sealed record FiredRuleView(string Rule, string Effect, string Reason);

    /// <summary>One enrollment in a list: where it stands and why, without the CSR and certificate.</summary>
    public sealed record EnrollmentSummaryView(
        string Id, string Status, string Protocol, string Profile, string Requester, string Subject, IReadOnlyList<string> SubjectAltNames,
        DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, string? DecidedBy, string? DecidingRule, string? Reason, string? Message,
        string? Serial, string Href);

    public sealed record EnrollmentList(IReadOnlyList<EnrollmentSummaryView> Items, long Total, int Page, int PageSize);

    /// <summary>The request as the front-end handed it over.</summary>
    public sealed record EnrollmentRequestView(
        string Protocol, string Profile, string Requester, string TransactionId, string Subject, IReadOnlyList<string> SubjectAltNames,
        string Key, string? RenewalOf, string? Csr);

    /// <summary>The decision: allow, deny or pending (null while undecided), by whom, under which profile version, and every rule that fired.</summary>
    public sealed record DecisionView(
        string? Effect, string? ProfileVersion, string? DecidedBy, string? DecidingRule, string? Reason, string? Message, IReadOnlyList<FiredRuleView> FiredRules);

    /// <summary>Manual approval: whether the profile asked for it, where it stands (pending, approved, denied) and the administrator who decided.</summary>
    public sealed record ApprovalView(bool Required, string? Status, string? Actor);

    public sealed record EnrollmentCertificateView(
        string Serial, string Status, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? RenewalOf, string? SupersededBy,
        string Certificate, string Href);

    public sealed record EnrollmentView(
        string Id, string Status, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, EnrollmentRequestView Request, DecisionView Decision,
        ApprovalView Approval, EnrollmentCertificateView? Certificate);

    public sealed record DenyRequest(string? Reason);

    /// <summary>The optional body of approve: a comment recorded with the approval (on the event, and as the enrollment's message).</summary>
    public sealed record ApproveRequest(string? Comment);

    /// <summary>After approve or deny: the enrollment's status (issued, rejected), what this call did, and the certificate when issued.</summary>
    public sealed record DecisionResponse(
        string EnrollmentId, string Status, string Result, string Message, string? Serial, string? Certificate, string? Chain, IReadOnlyList<FiredRuleView> FiredRules);

    public const int MaxDenyReasonLength = 1000;

    public static async Task<Results<Ok<EnrollmentList>, ProblemHttpResult>> ListAsync(
        IGrainFactory grains, HttpContext http, string? status, string? profile, string? protocol, string? requester, string? subject, string? san,
        string? from, string? to, int? page, int? pageSize)
    {
        EnrollmentStatus? parsedStatus = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<EnrollmentStatus>(status, true, out var s) || !Enum.IsDefined(s) || int.TryParse(status, out _))
                return AdminProblems.BadRequest($"'status' must be one of {string.Join(", ", Enum.GetNames<EnrollmentStatus>().Select(n => n.ToLowerInvariant()))}.");
            parsedStatus = s;
        }
        EnrollmentProtocol? parsedProtocol = null;
        if (!string.IsNullOrWhiteSpace(protocol))
        {
            if (!Enum.TryParse<EnrollmentProtocol>(protocol, true, out var p) || !Enum.IsDefined(p) || int.TryParse(protocol, out _))
                return AdminProblems.BadRequest($"'protocol' must be one of {string.Join(", ", Enum.GetNames<EnrollmentProtocol>().Select(n => n.ToLowerInvariant()))}.");
            parsedProtocol = p;
        }
        if (!TryParseTime(from, "from", out var fromTime, out var fromProblem)) return fromProblem!;
        if (!TryParseTime(to, "to", out var toTime, out var toProblem)) return toProblem!;
        if (fromTime is { } f && toTime is { } t && t < f) return AdminProblems.BadRequest("'to' is before 'from'.");
        if (page is < 1) return AdminProblems.BadRequest("'page' starts at 1.");
        if (pageSize is < 1 or > 500) return AdminProblems.BadRequest("'pageSize' must be between 1 and 500.");

        var result = await grains.GetGrain<IEnrollmentInventoryGrain>(0).QueryEnrollmentsAsync(new EnrollmentQuery(
            parsedStatus, Blank(profile), parsedProtocol, Blank(requester), Blank(subject), Blank(san), page ?? 1, pageSize ?? 50, fromTime, toTime));
        var basePath = $"{http.Request.PathBase}/api/v1/enrollments/";
        return TypedResults.Ok(new EnrollmentList(result.Items.Select(e => new EnrollmentSummaryView(
            e.Id, Name(e.Status), Name(e.Protocol), e.Profile, e.Requester, e.Subject, e.SubjectAltNames, e.RequestedAt, e.UpdatedAt, e.DecidedBy,
            e.DecidingRule, e.RejectionReason is { } r ? AdminProblems.ToSlug(r) : null, e.Message, e.Serial,
            basePath + Uri.EscapeDataString(e.Id))).ToList(), result.Total, result.Page, result.PageSize));
    }

    public static async Task<Results<Ok<EnrollmentView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains, HttpContext http)
    {
        if (!EnrollmentIds.TryNormalise(id, out var enrollmentId, out var error)) return AdminProblems.BadRequest(error);
        var e = await grains.GetGrain<IEnrollmentInventoryGrain>(0).GetEnrollmentAsync(enrollmentId);
        if (e is null) return AdminProblems.NotFound($"No enrollment {enrollmentId}.");

        string? effect = e.Status switch
        {
            EnrollmentStatus.Issued or EnrollmentStatus.Approved or EnrollmentStatus.AwaitingConfirmation or EnrollmentStatus.ConfirmationRefused => "allow",
            EnrollmentStatus.Rejected => "deny",
            EnrollmentStatus.Pending => "pending",
            _ => null,
        };
        string? approvalStatus = !e.ApprovalRequired ? null : e.Status switch
        {
            EnrollmentStatus.Pending => "pending",
            EnrollmentStatus.Issued or EnrollmentStatus.Approved or EnrollmentStatus.AwaitingConfirmation or EnrollmentStatus.ConfirmationRefused => "approved",
            EnrollmentStatus.Rejected => "denied",
            _ => null,
        };
        var request = new EnrollmentRequestView(Name(e.Protocol), e.Profile, e.Requester, e.TransactionId, e.Subject, e.SubjectAltNames, e.Key,
            e.RenewalOf, e.Csr is { Length: > 0 } csr ? new string(PemEncoding.Write("CERTIFICATE REQUEST", csr)) + "\n" : null);
        var decision = new DecisionView(effect, e.ProfileVersion, e.DecidedBy, e.DecidingRule,
            e.RejectionReason is { } reason ? AdminProblems.ToSlug(reason) : null, e.Message, Rules(e.FiredRules));
        var approval = new ApprovalView(e.ApprovalRequired, approvalStatus, e.ApprovalRequired && approvalStatus is "approved" or "denied" ? e.DecidedBy : null);
        var certificate = e.Certificate is { } c
            ? new EnrollmentCertificateView(c.Serial, Name(c.Status), c.Subject, c.NotBefore, c.NotAfter, c.RenewalOf, c.SupersededBy, Pem.Certificate(c.Der),
                $"{http.Request.PathBase}/api/v1/certificates/{c.Serial}")
            : null;
        return TypedResults.Ok(new EnrollmentView(e.Id, Name(e.Status), e.RequestedAt, e.UpdatedAt, request, decision, approval, certificate));
    }

    public static async Task<Results<Ok<DecisionResponse>, ProblemHttpResult>> ApproveAsync(
        string id, ApproveRequest? body, ClaimsPrincipal user, IGrainFactory grains, IOptions<AdminOptions> options)
    {
        if (!EnrollmentIds.TryNormalise(id, out var enrollmentId, out var error)) return AdminProblems.BadRequest(error);
        var comment = body?.Comment?.Trim() ?? "";
        if (comment.Length > MaxDenyReasonLength) return AdminProblems.BadRequest($"'comment' must be at most {MaxDenyReasonLength} characters.");
        if (comment.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\t')) return AdminProblems.BadRequest("'comment' must not contain control characters.");
        if (options.Value.ForbidSelfApproval
            && await grains.GetGrain<IEnrollmentInventoryGrain>(0).GetEnrollmentAsync(enrollmentId) is { } enrollment
            && string.Equals(enrollment.Requester, Actor(user), StringComparison.Ordinal))
        {
            return AdminProblems.Problem(StatusCodes.Status403Forbidden, "self-approval-forbidden", "Self-approval forbidden",
                $"{Actor(user)} requested enrollment {enrollmentId} and may not approve it ({AdminOptions.Section}:{nameof(AdminOptions.ForbidSelfApproval)}): "
                + "another administrator's key must approve it.", new Dictionary<string, object?> { ["enrollmentId"] = enrollmentId });
        }
        var result = await grains.GetGrain<IEnrollmentGrain>(enrollmentId).ApproveAsync(Actor(user), comment.Length == 0 ? null : comment);
        return Decided(enrollmentId, result);
    }

    public static async Task<Results<Ok<DecisionResponse>, ProblemHttpResult>> DenyAsync(string id, DenyRequest? body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!EnrollmentIds.TryNormalise(id, out var enrollmentId, out var error)) return AdminProblems.BadRequest(error);
        var reason = body?.Reason?.Trim() ?? "";
        if (reason.Length > MaxDenyReasonLength) return AdminProblems.BadRequest($"'reason' must be at most {MaxDenyReasonLength} characters.");
        if (reason.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\t')) return AdminProblems.BadRequest("'reason' must not contain control characters.");
        var result = await grains.GetGrain<IEnrollmentGrain>(enrollmentId).DenyAsync(Actor(user), reason);
        return Decided(enrollmentId, result);
    }

    private static Results<Ok<DecisionResponse>, ProblemHttpResult> Decided(string enrollmentId, EnrollmentDecisionResult result)
    {
        var rules = Rules(result.FiredRules);
        switch (result.Status)
        {
            case EnrollmentDecisionStatus.NotFound:
                return AdminProblems.NotFound($"No enrollment {enrollmentId}.");
            case EnrollmentDecisionStatus.NotPending:
                return AdminProblems.Problem(StatusCodes.Status409Conflict, "not-pending", "Enrollment not pending", result.Message,
                    new Dictionary<string, object?> { ["enrollmentId"] = enrollmentId, ["status"] = StatusOf(result.Outcome) });
            case EnrollmentDecisionStatus.RefusedByPolicy:
                return AdminProblems.Problem(StatusCodes.Status409Conflict, "approval-refused-by-policy", "Approval refused by policy",
                    result.Message + " The enrollment stays pending: deny it, or change the profile and approve again.",
                    new Dictionary<string, object?> { ["enrollmentId"] = enrollmentId, ["status"] = "pending", ["firedRules"] = rules });
            case EnrollmentDecisionStatus.QuotaExceeded:
                return AdminProblems.Problem(StatusCodes.Status429TooManyRequests, "rate-limited", "Quota exhausted",
                    result.Message + " The enrollment stays pending: approve it again later.",
                    new Dictionary<string, object?> { ["enrollmentId"] = enrollmentId, ["status"] = "pending", ["firedRules"] = rules });
        }
        var issued = result.Outcome as IssuedOutcome;
        var what = result.Status switch
        {
            EnrollmentDecisionStatus.Approved => "approved",
            EnrollmentDecisionStatus.AlreadyApproved => "already-approved",
            EnrollmentDecisionStatus.Denied => "denied",
            _ => "already-denied",
        };
        return TypedResults.Ok(new DecisionResponse(enrollmentId, StatusOf(result.Outcome), what, result.Message, issued?.Serial,
            issued is null ? null : Pem.Certificate(issued.Certificate), issued is null ? null : Pem.Certificates(issued.Chain), rules));
    }

    private static string StatusOf(EnrollmentOutcome? outcome) => outcome switch
    {
        IssuedOutcome => "issued",
        RejectedOutcome => "rejected",
        PendingOutcome => "pending",
        _ => "unknown",
    };

    private static string Actor(ClaimsPrincipal user) => "api-key:" + (user.Identity?.Name ?? "unknown");

    private static IReadOnlyList<FiredRuleView> Rules(IReadOnlyList<FiredRule> rules) =>
        rules.Select(r => new FiredRuleView(r.Rule, r.Effect.ToString().ToLowerInvariant(), r.Reason)).ToList();

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryParseTime(string? text, string name, out DateTimeOffset? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            problem = AdminProblems.BadRequest($"'{name}' must be an ISO 8601 date-time.");
            return false;
        }
        value = parsed;
        return true;
    }
}
