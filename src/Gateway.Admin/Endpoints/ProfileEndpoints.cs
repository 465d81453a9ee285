using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Gateway.Admin.Authentication;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Pkix.Csr;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Profiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Gateway.Admin.Endpoints;

/// <summary>
/// <c>/api/v1/profiles</c>: policy profiles as stored, their versions, changes (validated; a bad document changes
/// nothing), rollback, dry runs, export to YAML and reloading the policies directory.
/// </summary>
public static class ProfileEndpoints
{
    /// <summary>What export answers with.</summary>
    public const string ExportMediaType = "text/yaml";

    /// <summary>Largest profile document accepted by PUT.</summary>
    public const int MaxDocumentBytes = 256 * 1024;

    private static readonly string[] YamlMediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public sealed record ProfileListItem(
        string Name, int Version, string Description, string Source, string Author, DateTimeOffset UpdatedAt,
        IReadOnlyList<string> Protocols, IReadOnlyList<string> Authentication, string? SeedFile);

    /// <param name="Change">For PUT and rollback: <c>created</c>, <c>updated</c> or <c>unchanged</c>; null on GET.</param>
    public sealed record ProfileView(
        string Name, int Version, string Description, string Document, string Source, string Author, DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt, IReadOnlyList<string> Protocols, IReadOnlyList<string> Authentication, string? SeedFile, string? Change);

    public sealed record ProfileVersionView(
        int Version, string Source, string Author, DateTimeOffset At, string Diff, string? Sha256, int? RolledBackTo, string? SeedFile, string Document);

    public sealed record RollbackRequest(int? Version);

    public sealed record ReloadResponse(
        IReadOnlyList<string> Created, IReadOnlyList<string> Updated, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Kept, string Directory);

    /// <summary>
    /// Either <see cref="Csr"/> (PEM PKCS#10) or a described request: <see cref="Subject"/> (e.g. <c>CN=a.example.test</c>),
    /// <see cref="Sans"/> (<c>dns:</c>, <c>ip:</c>, <c>email:</c>, <c>uri:</c> prefixed), and <see cref="PublicKey"/> (PEM)
    /// or <see cref="Key"/> (<c>EC P-256</c>, <c>EC P-384</c>, <c>EC P-521</c>, <c>RSA 2048</c>..., <c>Ed25519</c>; default <c>EC P-256</c>).
    /// <see cref="Protocol"/>, <see cref="Authentication"/> and <see cref="Principal"/> say whom to evaluate it for.
    /// </summary>
    /// <param name="Document">Optional: evaluate against this unsaved YAML document (the profile being edited) instead of the stored version.</param>
    public sealed record DryRunRequest(
        string? Csr, string? Subject, IReadOnlyList<string>? Sans, string? Key, string? PublicKey, string? Protocol, string? Authentication, string? Principal,
        string? Document = null);

    /// <summary>The answer of validate for a valid document (an invalid one gets the same 400 <c>invalid-profile</c> problem as PUT).</summary>
    public sealed record ValidationResponse(string Name, bool Valid, IReadOnlyList<object> Errors);

    public sealed record FiredRuleView(string Rule, string Effect, string Reason);

    public sealed record ExtensionView(string Oid, bool Critical, string Value);

    /// <summary>The certificate that would be issued: subject, SANs, validity, key usage (names), EKU (OIDs), policies, copied extensions (hex).</summary>
    public sealed record TemplateView(
        string Issuer, string Subject, IReadOnlyList<string> SubjectAltNames, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
        IReadOnlyList<string> KeyUsage, IReadOnlyList<string> ExtendedKeyUsage, IReadOnlyList<string> CertificatePolicies, IReadOnlyList<ExtensionView> Extensions);

    /// <param name="Decision"><c>allow</c>, <c>deny</c> or <c>pending</c>.</param>
    /// <param name="Reason">For a denial: the rejection reason (e.g. <c>bad-name</c>).</param>
    /// <param name="Template">For allow and pending: what would be issued.</param>
    public sealed record DryRunResponse(
        string Profile, string Version, string Decision, string? Reason, string Summary, IReadOnlyList<FiredRuleView> FiredRules,
        TemplateView? Template, string Protocol, string Requester, string Note, bool Unsaved = false);

    public static RouteGroupBuilder MapProfileEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/profiles").WithTags("Profiles");
        group.MapGet("/", ListAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapPost("/reload", ReloadAsync).RequireAuthorization(AdminPolicies.PolicyWrite).Audited("profile.reload");
        group.MapGet("/{name}", GetAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapPut("/{name}", PutAsync).RequireAuthorization(AdminPolicies.PolicyWrite).Audited("profile.put")
            .Accepts<string>("application/yaml", "text/yaml", "application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{name}/versions", VersionsAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapPost("/{name}/rollback", RollbackAsync).RequireAuthorization(AdminPolicies.PolicyWrite).Audited("profile.rollback");
        group.MapPost("/{name}/validate", ValidateAsync).RequireAuthorization(AdminPolicies.Read)
            .Accepts<string>("application/yaml", "text/yaml", "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Validate a profile document as PUT would, storing nothing.");
        group.MapPost("/{name}/dry-run", DryRunAsync).RequireAuthorization(AdminPolicies.Read);
        group.MapGet("/{name}/export", ExportAsync).RequireAuthorization(AdminPolicies.Read)
            .Produces<string>(StatusCodes.Status200OK, ExportMediaType);
        return api;
    }

    public static async Task<Ok<IReadOnlyList<ProfileListItem>>> ListAsync(IGrainFactory grains)
    {
        var profiles = await grains.GetGrain<IProfileCatalogGrain>(0).ListAsync();
        return TypedResults.Ok<IReadOnlyList<ProfileListItem>>([.. profiles.Select(p =>
            new ProfileListItem(p.Name, p.Version, p.Description, p.Source, p.Author, p.UpdatedAt, p.Protocols, p.AuthenticationMethods, p.SeedFile))]);
    }

    public static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> GetAsync(string name, IGrainFactory grains)
    {
        var profile = await Grain(grains, name).GetAsync();
        return profile is null ? UnknownProfile(name) : TypedResults.Ok(View(profile, null));
    }

    /// <summary>The current document as <c>text/yaml</c>, byte for byte what is stored: save it into the policies directory to make an API change the seed.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ExportAsync(string name, IGrainFactory grains, HttpContext http)
    {
        var profile = await Grain(grains, name).GetAsync();
        if (profile is null) return UnknownProfile(name);
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = profile.Name + ".yaml" }.ToString();
        http.Response.Headers["X-Profile-Version"] = profile.Version.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Text(profile.Document, ExportMediaType, Encoding.UTF8);
    }

    public static async Task<Results<Ok<IReadOnlyList<ProfileVersionView>>, ProblemHttpResult>> VersionsAsync(string name, IGrainFactory grains)
    {
        var versions = await Grain(grains, name).GetVersionsAsync();
        if (versions is null) return UnknownProfile(name);
        return TypedResults.Ok<IReadOnlyList<ProfileVersionView>>([.. versions.Select(v =>
            new ProfileVersionView(v.Version, v.Source, v.Author, v.At, v.Diff, v.Sha256, v.RolledBackTo, v.SeedFile, v.Document))]);
    }

    public static async Task<Results<Ok<ProfileView>, Created<ProfileView>, ProblemHttpResult>> PutAsync(
        string name, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (document, problem) = await ReadDocumentAsync(request);
        if (problem is not null) return problem;
        var result = await Grain(grains, name).PutAsync(document!, Author(user));
        if (result.Status is ProfileChangeStatus.Created or ProfileChangeStatus.Updated) await RefreshThisNodeAsync(grains);
        return result.Status switch
        {
            ProfileChangeStatus.Created => TypedResults.Created($"{request.PathBase}/api/v1/profiles/{Uri.EscapeDataString(result.Profile!.Name)}",
                View(result.Profile, "created")),
            ProfileChangeStatus.Updated => TypedResults.Ok(View(result.Profile!, "updated")),
            ProfileChangeStatus.Unchanged => TypedResults.Ok(View(result.Profile!, "unchanged")),
            _ => ChangeProblem(name, result),
        };
    }

    /// <summary>What PUT would answer about the document (the same errors, at the same lines), without storing anything.</summary>
    public static async Task<Results<Ok<ValidationResponse>, ProblemHttpResult>> ValidateAsync(string name, HttpRequest request, IGrainFactory grains)
    {
        var (document, problem) = await ReadDocumentAsync(request);
        if (problem is not null) return problem;
        var errors = await Grain(grains, name).ValidateAsync(document!);
        return errors.Count > 0
            ? InvalidDocument("The document has errors; nothing was stored.", errors)
            : TypedResults.Ok(new ValidationResponse(name, true, []));
    }

    public static async Task<Results<Ok<ProfileView>, ProblemHttpResult>> RollbackAsync(
        string name, RollbackRequest? body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body?.Version is not { } version || version < 1) return AdminProblems.BadRequest("A JSON body {\"version\": n} with n >= 1 is required.");
        var result = await Grain(grains, name).RollbackAsync(version, Author(user));
        if (result.Status is ProfileChangeStatus.Updated) await RefreshThisNodeAsync(grains);
        return result.Status switch
        {
            ProfileChangeStatus.Updated => TypedResults.Ok(View(result.Profile!, "updated")),
            ProfileChangeStatus.Unchanged => TypedResults.Ok(View(result.Profile!, "unchanged")),
            _ => ChangeProblem(name, result),
        };
    }

    public static async Task<Results<Ok<ReloadResponse>, ProblemHttpResult>> ReloadAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IProfileCatalogGrain>(0).ReloadAsync(Author(user));
        if (result.Errors.Count > 0)
        {
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, "invalid-policy-files", "Invalid policy files",
                $"The policies directory {result.Directory} has errors; nothing was changed.", new Dictionary<string, object?>
                {
                    ["errors"] = Errors(result.Errors),
                });
        }
        return TypedResults.Ok(new ReloadResponse(result.Created, result.Updated, result.Unchanged, result.Kept, result.Directory));
    }

    public static async Task<Results<Ok<DryRunResponse>, ProblemHttpResult>> DryRunAsync(
        string name, DryRunRequest? body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body is null) return AdminProblems.BadRequest("A JSON body {\"csr\": \"<PEM>\"} (or a described request) is required.");
        var described = body.Subject is not null || body.Sans is not null || body.Key is not null || body.PublicKey is not null;
        if (string.IsNullOrWhiteSpace(body.Csr) == !described)
        {
            return AdminProblems.BadRequest("Give either 'csr' (a PEM PKCS#10 request) or a described request ('subject', 'sans', 'key' or 'publicKey'), not both.");
        }
        EnrollmentProtocol? protocol = null;
        if (!string.IsNullOrWhiteSpace(body.Protocol))
        {
            if (!Enum.TryParse<EnrollmentProtocol>(body.Protocol, true, out var p) || !Enum.IsDefined(p) || int.TryParse(body.Protocol, out _))
                return AdminProblems.BadRequest($"'protocol' must be one of {string.Join(", ", Enum.GetNames<EnrollmentProtocol>().Select(n => n.ToLowerInvariant()))}.");
            protocol = p;
        }

        var document = body.Document;
        if (document is not null)
        {
            if (string.IsNullOrWhiteSpace(document)) return AdminProblems.BadRequest("'document', when given, must hold the profile's YAML.");
            if (Encoding.UTF8.GetByteCount(document) > MaxDocumentBytes)
            {
                return AdminProblems.Problem(StatusCodes.Status413PayloadTooLarge, "too-large", "Document too large",
                    $"A profile document may have at most {MaxDocumentBytes} bytes.");
            }
        }

        ProfileDryRun request;
        if (!described)
        {
            byte[] der;
            try
            {
                der = Pkcs10Request.DecodePem(body.Csr!);
            }
            catch (CsrFormatException ex)
            {
                return AdminProblems.BadRequest("'csr' is not a PKCS#10 request: " + ex.Message);
            }
            if (!Pkcs10Request.TryParse(der, out _, out var error)) return AdminProblems.BadRequest("'csr' is not a valid PKCS#10 request: " + error);
            request = new ProfileDryRun(der, protocol, NullIfBlank(body.Authentication), NullIfBlank(body.Principal) ?? user.Identity?.Name, Document: document);
        }
        else
        {
            if (!DescribedRequest.TryBuild(body.Subject, body.Sans, body.Key, body.PublicKey, out var template, out var error))
                return AdminProblems.BadRequest(error);
            request = new ProfileDryRun(null, protocol, NullIfBlank(body.Authentication), NullIfBlank(body.Principal) ?? user.Identity?.Name, template, document);
        }

        var result = await Grain(grains, name).DryRunAsync(request);
        if (result is null) return UnknownProfile(name);
        if (result.DocumentErrors is { Count: > 0 } documentErrors) return InvalidDocument("The document has errors; nothing was evaluated.", documentErrors);
        if (result.Decision is not { } decision)
        {
            var reason = result.Problem ?? RejectionReason.BadRequest;
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.ToSlug(reason), "The request cannot be evaluated",
                result.Message ?? "The request cannot be evaluated.", new Dictionary<string, object?> { ["reason"] = AdminProblems.ToSlug(reason) });
        }
        return TypedResults.Ok(new DryRunResponse(
            name,
            decision.ProfileVersion,
            decision.Effect.ToString().ToLowerInvariant(),
            decision.Reason is { } r ? AdminProblems.ToSlug(r) : null,
            decision.Summary,
            [.. decision.FiredRules.Select(f => new FiredRuleView(f.Rule, f.Effect.ToString().ToLowerInvariant(), f.Reason))],
            decision.Template is { } t ? Template(t) : null,
            result.Protocol.ToString().ToLowerInvariant(),
            result.Requester.ToString(),
            document is null
                ? "Dry run: nothing was issued or recorded. Quotas and key reuse need the store and were not evaluated."
                : "Dry run against the unsaved document: nothing was stored, issued or recorded. Quotas and key reuse need the store and were not evaluated.",
            document is not null));
    }

    /// <summary>
    /// The document of a PUT: YAML (<c>application/yaml</c>, <c>application/x-yaml</c>, <c>text/yaml</c>, <c>text/x-yaml</c>)
    /// as is; JSON (<c>application/json</c>) either <c>{"document": "&lt;yaml&gt;"}</c> or the profile itself as a JSON object
    /// (JSON is YAML, so its errors point into the JSON text). UTF-8 only.
    /// </summary>
    private static async Task<(string? Document, ProblemHttpResult? Problem)> ReadDocumentAsync(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            return (null, UnsupportedMediaType(request.ContentType));
        }
        var isYaml = YamlMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
        if (!isYaml && !isJson) return (null, UnsupportedMediaType(request.ContentType));
        if (contentType.Charset.HasValue && !contentType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, UnsupportedMediaType(request.ContentType));
        }

        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxDocumentBytes)
                {
                    return (null, AdminProblems.Problem(StatusCodes.Status413PayloadTooLarge, "too-large", "Document too large",
                        $"A profile document may have at most {MaxDocumentBytes} bytes."));
                }
            }
            bytes = buffer.ToArray();
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return (null, AdminProblems.BadRequest("The document is not valid UTF-8."));
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        if (string.IsNullOrWhiteSpace(text)) return (null, AdminProblems.BadRequest("The document is empty."));
        if (isYaml) return (text, null);

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, AdminProblems.BadRequest("A JSON body must be an object: the profile itself, or {\"document\": \"<yaml>\"}."));
            }
            var properties = json.RootElement.EnumerateObject().ToList();
            if (properties.Count == 1 && properties[0].NameEquals("document"))
            {
                return properties[0].Value.ValueKind == JsonValueKind.String
                    ? (properties[0].Value.GetString()!, null)
                    : (null, AdminProblems.BadRequest("'document' must be a string holding the YAML document."));
            }
            return (text, null);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            return (null, InvalidDocument("The JSON body is malformed; nothing was changed.",
                [new ProfileError(line, column, "", "JSON syntax error: " + ex.Message)]));
        }
    }

    private static ProblemHttpResult ChangeProblem(string name, ProfileChangeResult result) => result.Status switch
    {
        ProfileChangeStatus.Invalid => InvalidDocument(result.Message ?? "The document has errors; nothing was changed.", result.Errors),
        ProfileChangeStatus.NotFound => UnknownProfile(name),
        ProfileChangeStatus.VersionNotFound => AdminProblems.Problem(StatusCodes.Status400BadRequest, "version-not-found", "No such version",
            result.Message ?? "The profile has no such version."),
        ProfileChangeStatus.Conflict => AdminProblems.Problem(StatusCodes.Status409Conflict, "conflict", "Concurrent change",
            result.Message ?? "The profile kept changing concurrently; nothing was changed. Try again."),
        _ => throw new InvalidOperationException($"Unexpected profile change status {result.Status}"),
    };

    private static ProblemHttpResult InvalidDocument(string detail, IReadOnlyList<ProfileError> errors) =>
        AdminProblems.Problem(StatusCodes.Status400BadRequest, "invalid-profile", "Invalid profile document", detail,
            new Dictionary<string, object?> { ["errors"] = Errors(errors) });

    private static object[] Errors(IReadOnlyList<ProfileError> errors) =>
        [.. errors.Select(e => e.Source is null
            ? (object)new { line = e.Line, column = e.Column, field = e.Field, message = e.Message }
            : new { line = e.Line, column = e.Column, field = e.Field, message = e.Message, source = e.Source })];

    private static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        AdminProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            $"Content-Type '{contentType}' is not accepted: send the profile as application/yaml (or text/yaml), or as application/json " +
            "(the profile as a JSON object, or {\"document\": \"<yaml>\"}), in UTF-8.");

    private static ProblemHttpResult UnknownProfile(string name) =>
        AdminProblems.Problem(StatusCodes.Status404NotFound, "unknown-profile", "Unknown profile", $"No profile '{name}'.");

    /// <summary>
    /// The profile's grain refreshed the catalog of the silo it lives on; this makes the node that took the request
    /// see the change too (read-your-writes for the admin), so its next enrollment is decided by the new version.
    /// </summary>
    private static Task RefreshThisNodeAsync(IGrainFactory grains) => grains.GetGrain<IProfileCatalogGrain>(0).RefreshAsync();

    private static IProfileGrain Grain(IGrainFactory grains, string name) => grains.GetGrain<IProfileGrain>(ProfileKeys.For(name));

    private static string Author(ClaimsPrincipal user) => "api-key:" + (user.Identity?.Name ?? "unknown");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProfileView View(ProfileInfo p, string? change) =>
        new(p.Name, p.Version, p.Description, p.Document, p.Source, p.Author, p.CreatedAt, p.UpdatedAt, p.Protocols, p.AuthenticationMethods, p.SeedFile, change);

    private static TemplateView Template(CertificateTemplate t)
    {
        string subject;
        try
        {
            subject = new X500DistinguishedName(t.Subject).Name;
        }
        catch (CryptographicException)
        {
            subject = Convert.ToHexStringLower(t.Subject);
        }
        return new TemplateView(t.IssuerId, subject, [.. t.SubjectAltNames.Select(s => s.ToString())], t.NotBefore, t.NotAfter,
            [.. KeyUsageBits.Names((X509KeyUsageFlags)t.KeyUsage)], [.. t.ExtendedKeyUsages.Select(ExtendedKeyUsages.Name)], t.CertificatePolicies,
            [.. t.AdditionalExtensions.Select(e => new ExtensionView(e.Oid, e.Critical, Convert.ToHexStringLower(e.Value)))]);
    }
}
