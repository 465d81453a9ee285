using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Admin.Authentication;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// <c>/api/v1/credentials</c>: enrollment credentials for EST Basic, SCEP challengePassword, CMP MAC and ACME EAB.
/// The secret is in the creation answer only; lists, reads and histories never carry it (nor its hash).
/// </summary>
public static class CredentialEndpoints
{
    public sealed record CreateCredentialRequest(
        string? Profile, int? MaxUses, DateTimeOffset? ExpiresAt, IReadOnlyList<string>? Subjects, string? Description);

    public sealed record CredentialView(
        string Id, string Profile, string Status, int? MaxUses, int Uses, int? RemainingUses, DateTimeOffset? ExpiresAt,
        IReadOnlyList<string> Subjects, string? Description, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LastUsedAt,
        DateTimeOffset? RevokedAt, string? RevokedBy);

    /// <summary>The creation answer: the credential and, this once, its secret.</summary>
    public sealed record CreatedCredentialView(
        string Id, string Secret, string Profile, string Status, int? MaxUses, int Uses, DateTimeOffset? ExpiresAt,
        IReadOnlyList<string> Subjects, string? Description, DateTimeOffset CreatedAt, string CreatedBy);

    public sealed record CredentialList(IReadOnlyList<CredentialView> Items, long Total, int Page, int PageSize);

    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static RouteGroupBuilder MapCredentialEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/credentials").WithTags("Credentials");
        group.MapPost("/", CreateAsync).RequireAuthorization(AdminPolicies.Write).Audited("credential.create")
            .Accepts<CreateCredentialRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Create an enrollment credential; the answer carries its secret, shown only this once.");
        group.MapGet("/", ListAsync).RequireAuthorization(AdminPolicies.Read).WithSummary("List credentials (never their secrets).");
        group.MapGet("/{id}", GetAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapGet("/{id}/history", HistoryAsync).RequireAuthorization(AdminPolicies.Read)
            .WithSummary("The credential's events: created, each use and refused use, revoked.");
        group.MapDelete("/{id}", RevokeAsync).RequireAuthorization(AdminPolicies.Write).Audited("credential.revoke")
            .WithSummary("Revoke the credential (idempotent); it stays listed as revoked.");
        return api;
    }

    public static async Task<Results<Created<CreatedCredentialView>, ProblemHttpResult>> CreateAsync(
        HttpContext http, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (body, problem) = await ReadBodyAsync(http);
        if (body is null) return problem!;
        if (string.IsNullOrWhiteSpace(body.Profile)) return Invalid("profile", "'profile' is required.");
        if (body.MaxUses is < 1) return Invalid("maxUses", "'maxUses' must be at least 1 (omit it for no limit).");
        if (body.Subjects is { } subjects && subjects.Any(s => s is null)) return Invalid("subjects", "'subjects' must be a list of strings.");

        var spec = new CredentialSpec(body.Profile.Trim(), body.MaxUses, body.ExpiresAt, body.Subjects, body.Description);
        var result = await grains.GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(spec, Actor(user));
        switch (result.Status)
        {
            case CredentialCreateStatus.Created when result.Created is { } created:
                var c = created.Credential;
                // The secret is in this answer and nowhere else: no cache may keep it.
                http.Response.Headers.CacheControl = "no-store";
                return TypedResults.Created($"{http.Request.PathBase}/api/v1/credentials/{c.Id}", new CreatedCredentialView(
                    c.Id, created.Secret, c.Profile, Status(c.Status), c.MaxUses, c.Uses, c.ExpiresAt, c.Subjects, c.Description, c.CreatedAt, c.CreatedBy));
            case CredentialCreateStatus.UnknownProfile:
                return AdminProblems.Problem(StatusCodes.Status400BadRequest, "unknown-profile", "Unknown profile", result.Message ?? "Unknown profile.",
                    Errors("profile", result.Message ?? "Unknown profile."));
            default:
                var message = result.Message ?? "The credential is not valid.";
                return Invalid(FieldOf(message), message);
        }
    }

    public static async Task<Results<Ok<CredentialList>, ProblemHttpResult>> ListAsync(IGrainFactory grains, string? profile, string? status, int? page, int? pageSize)
    {
        CredentialStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<CredentialStatus>(status, true, out var s) || !Enum.IsDefined(s) || int.TryParse(status, out _))
                return AdminProblems.BadRequest($"'status' must be one of {string.Join(", ", Enum.GetNames<CredentialStatus>().Select(n => n.ToLowerInvariant()))}.");
            parsed = s;
        }
        if (page is < 1) return AdminProblems.BadRequest("'page' starts at 1.");
        if (pageSize is < 1 or > 500) return AdminProblems.BadRequest("'pageSize' must be between 1 and 500.");
        var result = await grains.GetGrain<ICredentialDirectoryGrain>(0).ListAsync(new CredentialQuery(profile, parsed, page ?? 1, pageSize ?? 50));
        return TypedResults.Ok(new CredentialList(result.Items.Select(ToView).ToList(), result.Total, result.Page, result.PageSize));
    }

    public static async Task<Results<Ok<CredentialView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        if (!CredentialSecrets.IsWellFormedId(id)) return MalformedId();
        var info = await grains.GetGrain<ICredentialGrain>(id).GetAsync();
        return info is null ? NotFound(id) : TypedResults.Ok(ToView(info));
    }

    public static async Task<Results<Ok<IReadOnlyList<CertificateEndpoints.HistoryView>>, ProblemHttpResult>> HistoryAsync(string id, IGrainFactory grains)
    {
        if (!CredentialSecrets.IsWellFormedId(id)) return MalformedId();
        var history = await grains.GetGrain<ICredentialGrain>(id).GetHistoryAsync();
        if (history is null) return NotFound(id);
        IReadOnlyList<CertificateEndpoints.HistoryView> views = history
            .Select(h => new CertificateEndpoints.HistoryView(h.Type, h.Time, h.Actor, h.StreamId, h.Version, JsonDocument.Parse(h.DetailsJson).RootElement.Clone()))
            .ToList();
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<CredentialView>, ProblemHttpResult>> RevokeAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!CredentialSecrets.IsWellFormedId(id)) return MalformedId();
        var info = await grains.GetGrain<ICredentialGrain>(id).RevokeAsync(Actor(user));
        return info is null ? NotFound(id) : TypedResults.Ok(ToView(info));
    }

    /// <summary>Reads the JSON body with errors that name the field (or the line and byte) at fault.</summary>
    private static async Task<(CreateCredentialRequest? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpContext http)
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, AdminProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the credential as JSON (Content-Type: application/json)."));
        }
        try
        {
            var body = await JsonSerializer.DeserializeAsync<CreateCredentialRequest>(http.Request.Body, BodyJson, http.RequestAborted);
            return body is null
                ? (null, AdminProblems.BadRequest("A JSON object {\"profile\": \"...\", \"maxUses\": n, \"expiresAt\": \"...\", \"subjects\": [...]} is required."))
                : (body, null);
        }
        catch (JsonException ex)
        {
            // Name the field when the JSON is well formed but a value is not what the field takes; else point at the syntax error.
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                return (null, field is null
                    ? AdminProblems.BadRequest("The body has a field this API does not know; known fields: profile, maxUses, expiresAt, subjects, description.")
                    : Invalid(field, $"'{field}' is not a known field; known fields: profile, maxUses, expiresAt, subjects, description."));
            }
            if (ex.Message.Contains("could not be converted", StringComparison.Ordinal))
            {
                return (null, field is null
                    ? AdminProblems.BadRequest("The body must be a JSON object {\"profile\": \"...\", \"maxUses\": n, \"expiresAt\": \"...\", \"subjects\": [...]}.")
                    : Invalid(field.Split('[', '.')[0], $"'{field}' {Describe(field)}"));
            }
            if (ex.LineNumber is 0 && ex.BytePositionInLine is 0 && http.Request.ContentLength is null or 0)
            {
                return (null, AdminProblems.BadRequest("A JSON object {\"profile\": \"...\", \"maxUses\": n, \"expiresAt\": \"...\", \"subjects\": [...]} is required."));
            }
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return (null, AdminProblems.BadRequest($"The body is not valid JSON{where}."));
        }
    }

    private static string Describe(string field) => field.Split('[', '.')[0] switch
    {
        "profile" => "must be a string.",
        "maxUses" => "must be a whole number of at least 1.",
        "expiresAt" => "must be an ISO 8601 date-time, e.g. 2030-01-31T00:00:00Z.",
        "subjects" => "must be a list of strings.",
        "description" => "must be a string.",
        _ => "has a value of the wrong type.",
    };

    private static ProblemHttpResult Invalid(string field, string detail) =>
        AdminProblems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Bad request", detail, Errors(field, detail));

    private static Dictionary<string, object?> Errors(string field, string detail) =>
        new() { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } };

    /// <summary>The grain's messages start with the quoted field name: <c>'subjects[2]' must not be empty.</c></summary>
    private static string FieldOf(string message) =>
        message.StartsWith('\'') && message.IndexOf('\'', 1) is > 1 and var end ? message[1..end].Split('[')[0] : "body";

    private static ProblemHttpResult MalformedId() => AdminProblems.BadRequest($"A credential id is {CredentialSecrets.IdLength} characters of [a-z0-9].");

    private static ProblemHttpResult NotFound(string id) => AdminProblems.NotFound($"No credential with id {id}.");

    private static string Actor(ClaimsPrincipal user) => "api-key:" + (user.Identity?.Name ?? "unknown");

    private static string Status(CredentialStatus status) => status.ToString().ToLowerInvariant();

    private static CredentialView ToView(CredentialInfo c) => new(
        c.Id, c.Profile, Status(c.Status), c.MaxUses, c.Uses, c.MaxUses is { } max ? Math.Max(0, max - c.Uses) : null, c.ExpiresAt, c.Subjects,
        c.Description, c.CreatedAt, c.CreatedBy, c.LastUsedAt, c.RevokedAt, c.RevokedBy);
}
