using Gateway.Contracts.Audit;
using System.Security.Claims;
using Gateway.Admin.Authentication;
using Gateway.Contracts;
using Gateway.Pkix.Csr;
using Gateway.Contracts.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// <c>/api/v1/enrollments</c>: issue through the pipeline without a protocol front-end; list and explain enrollments of
/// every protocol; approve or deny pending ones (EnrollmentEndpoints.Review.cs).
/// </summary>
public static partial class EnrollmentEndpoints
{
    public sealed record EnrollRequest(string? Profile, string? Csr, string? TransactionId);

    public sealed record EnrollResponse(string Serial, string Certificate, string Chain, string EnrollmentId);

    public sealed record PendingResponse(string EnrollmentId, string Status, int RetryAfterSeconds, string Reason);

    /// <summary>The audit log's name of an enrollment through the admin API.</summary>
    public const string AuditAction = "enrollment.create";

    public static RouteGroupBuilder MapEnrollmentEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/enrollments").WithTags("Enrollments");
        group.MapPost("/", EnrollAsync).RequireAuthorization(AdminPolicies.Write).Audited(AuditAction);
        group.MapGet("/", ListAsync).RequireAuthorization(AdminPolicies.Read);
        // {id} is "<protocol>:<transaction id>"; encode it as a path segment (':' may stay, '/' must be %2F).
        group.MapGet("/{id}", GetAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapPost("/{id}/approve", ApproveAsync).RequireAuthorization(AdminPolicies.Write).Audited("enrollment.approve");
        group.MapPost("/{id}/deny", DenyAsync).RequireAuthorization(AdminPolicies.Write).Audited("enrollment.deny");
        return api;
    }

    public static async Task<Results<Created<EnrollResponse>, Accepted<PendingResponse>, ProblemHttpResult>> EnrollAsync(
        EnrollRequest? body, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time, HttpContext http)
    {
        if (body is null) return AdminProblems.BadRequest("A JSON body {\"profile\": \"...\", \"csr\": \"<PEM>\"} is required.");
        if (string.IsNullOrWhiteSpace(body.Profile)) return AdminProblems.BadRequest("'profile' is required.");
        if (string.IsNullOrWhiteSpace(body.Csr)) return AdminProblems.BadRequest("'csr' (a PEM PKCS#10 request) is required.");
        byte[] der;
        try
        {
            der = Pkcs10Request.DecodePem(body.Csr);
        }
        catch (CsrFormatException ex)
        {
            return AdminProblems.BadRequest("'csr' is not a PKCS#10 request: " + ex.Message);
        }
        if (!Pkcs10Request.TryParse(der, out _, out var error))
        {
            return AdminProblems.BadRequest("'csr' is not a valid PKCS#10 request: " + error);
        }
        var generated = string.IsNullOrWhiteSpace(body.TransactionId);
        var transactionId = generated ? TimeOrderedIds.NewHex(time.GetUtcNow()) : body.TransactionId!.Trim();
        if (transactionId.Length > 128) return AdminProblems.BadRequest("'transactionId' must be at most 128 characters.");

        var requester = new Requester(AuthenticationMethods.ApiKey, user.Identity?.Name ?? "unknown");
        // The audit entry travels with the request and is committed with the enrollment's decision: one commit, not two.
        var audit = new AdminAction("api-key:" + requester.Principal, AuditAction, "", http.Connection.RemoteIpAddress?.ToString(), 0);
        var request = new EnrollmentRequest(EnrollmentProtocol.Admin, body.Profile.Trim(), requester, transactionId, der, Audit: audit,
            NewTransaction: generated);
        var outcome = await grains.Reference<IEnrollmentGrain>(request.EnrollmentKey).EnrollAsync(request);
        if (outcome.Audited) AdminAudit.MarkRecorded(http);
        switch (outcome)
        {
            case IssuedOutcome issued:
                var response = new EnrollResponse(issued.Serial, Pem.Certificate(issued.Certificate), Pem.Certificates(issued.Chain), issued.EnrollmentId);
                return TypedResults.Created($"{http.Request.PathBase}/api/v1/certificates/{issued.Serial}", response);
            case PendingOutcome pending:
                http.Response.Headers.RetryAfter = ((int)pending.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Accepted((string?)null, new PendingResponse(pending.EnrollmentId, "pending", (int)pending.RetryAfter.TotalSeconds, pending.Reason));
            case RejectedOutcome rejected:
                // A busy store says when to try again (RFC 9110 §10.2.3), as EST does through the rejection map (10 s).
                if (rejected.Reason is RejectionReason.Unavailable) http.Response.Headers.RetryAfter = "10";
                return AdminProblems.Rejected(rejected);
            default:
                throw new InvalidOperationException($"Unexpected outcome {outcome.GetType().Name}");
        }
    }
}
