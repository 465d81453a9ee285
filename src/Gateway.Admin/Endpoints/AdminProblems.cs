using Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Admin.Endpoints;

/// <summary>RFC 9457 problem details for the admin API; rejection reasons map to statuses here, nowhere else.</summary>
public static class AdminProblems
{
    public const string TypeBase = "https://gateway.example/problems/";

    public static ProblemHttpResult Problem(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + slug, extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "bad-request", "Bad request", detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static ProblemHttpResult Rejected(RejectedOutcome rejected)
    {
        var status = RejectionReasons.HttpStatus(rejected.Reason);
        var slug = ToSlug(rejected.Reason);
        return Problem(status, slug, "Enrollment rejected: " + slug, rejected.Message, new Dictionary<string, object?>
        {
            ["reason"] = slug,
            ["enrollmentId"] = rejected.EnrollmentId,
            ["firedRules"] = rejected.FiredRules.Select(r => new { rule = r.Rule, effect = r.Effect.ToString().ToLowerInvariant(), reason = r.Reason }).ToArray(),
        });
    }

    /// <summary>"BadKey" → "bad-key".</summary>
    public static string ToSlug(RejectionReason reason) => RejectionReasons.Slug(reason);
}
