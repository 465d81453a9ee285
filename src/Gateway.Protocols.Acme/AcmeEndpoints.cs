using System.Text.Json.Nodes;
using Gateway.Contracts;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme;

/// <summary>
/// ACME (RFC 8555) at <c>/acme/&lt;profile&gt;/directory</c>, and <c>/acme/directory</c> for
/// <see cref="AcmeOptions.DefaultProfile"/>. Every resource lives under <c>/acme/&lt;profile&gt;/</c>; every answer carries a
/// fresh <c>Replay-Nonce</c>, <c>Link: &lt;directory&gt;;rel="index"</c> and <c>Cache-Control: no-store</c>; every error
/// is an RFC 8555 problem document.
/// </summary>
public static class AcmeEndpoints
{
    public const string JoseMediaType = "application/jose+json";
    public const string ProblemMediaType = "application/problem+json";

    public static IEndpointRouteBuilder MapAcmeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/acme/directory", (Delegate)DefaultDirectoryAsync).ExcludeFromDescription();
        app.MapGet("/acme/{profile}/directory", DirectoryAsync).ExcludeFromDescription();
        app.MapMethods("/acme/{profile}/new-nonce", [HttpMethods.Head, HttpMethods.Get], NewNonceAsync).ExcludeFromDescription();
        app.MapGet("/acme/{profile}/renewal-info/{id}", RenewalInfoAsync).ExcludeFromDescription();
        app.MapPost("/acme/{profile}/{**path}", PostAsync).ExcludeFromDescription();
        app.MapMethods("/acme/{**rest}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Head], NotAllowed)
            .ExcludeFromDescription();
        return app;
    }

    private static Task<IResult> DefaultDirectoryAsync(HttpContext http) =>
        DirectoryAsync(http, http.RequestServices.GetRequiredService<IOptions<AcmeOptions>>().Value.DefaultProfile);

    private static Task<IResult> RenewalInfoAsync(HttpContext http, string profile, string id) =>
        http.RequestServices.GetRequiredService<AcmeService>().RenewalInfoAsync(http, profile, id);

    private static Task<IResult> PostAsync(HttpContext http, string profile, string? path) =>
        http.RequestServices.GetRequiredService<AcmeService>().PostAsync(http, profile, path ?? "");

    private static IResult NotAllowed(HttpContext http) => Problem(http, new AcmeProblem("malformed",
        "ACME resources are fetched with POST-as-GET (RFC 8555 §6.3); only the directory, new-nonce and renewal-info take GET.", 405));

    internal static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    /// <summary>The URL the client sent the request to, as a JWS <c>url</c> header must name it (RFC 8555 §6.4).</summary>
    internal static string RequestUrl(HttpContext http) => BaseUrl(http) + http.Request.Path.ToUriComponent();

    private static async Task<IResult> DirectoryAsync(HttpContext http, string profile)
    {
        var profileName = profile;
        var service = http.RequestServices.GetRequiredService<AcmeService>();
        var resolved = await service.ResolveProfileAsync(profileName);
        if (resolved is null) return Problem(http, new AcmeProblem("malformed", $"No profile '{profileName}' that allows ACME.", 404));
        var options = http.RequestServices.GetRequiredService<IOptions<AcmeOptions>>().Value;
        var urls = new AcmeUrls(BaseUrl(http), resolved.Name);
        var meta = new JsonObject
        {
            ["externalAccountRequired"] = AcmeService.ExternalAccountRequired(resolved),
            ["profiles"] = await service.OfferedProfilesAsync(resolved),
        };
        if (!string.IsNullOrWhiteSpace(options.TermsOfService)) meta["termsOfService"] = options.TermsOfService;
        if (!string.IsNullOrWhiteSpace(options.Website)) meta["website"] = options.Website;
        var directory = new JsonObject
        {
            ["newNonce"] = urls.NewNonce,
            ["newAccount"] = urls.NewAccount,
            ["newOrder"] = urls.NewOrder,
            ["revokeCert"] = urls.RevokeCert,
            ["keyChange"] = urls.KeyChange,
            ["renewalInfo"] = urls.RenewalInfo,
            ["meta"] = meta,
        };
        http.Response.Headers.CacheControl = "public, max-age=0, no-cache";
        return Json(http, directory, StatusCodes.Status200OK);
    }

    private static async Task<IResult> NewNonceAsync(HttpContext http, string profile)
    {
        var profileName = profile;
        var service = http.RequestServices.GetRequiredService<AcmeService>();
        if (await service.ResolveProfileAsync(profileName) is null) return Problem(http, new AcmeProblem("malformed", $"No profile '{profileName}' that allows ACME.", 404));
        service.AddNonce(http);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Link = $"<{new AcmeUrls(BaseUrl(http), profileName).Directory}>;rel=\"index\"";
        // RFC 8555 §7.2: HEAD answers 200, GET 204.
        return Results.StatusCode(HttpMethods.IsHead(http.Request.Method) ? StatusCodes.Status200OK : StatusCodes.Status204NoContent);
    }

    internal static IResult Json(HttpContext http, JsonNode body, int status) =>
        Results.Text(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);

    internal static IResult Problem(HttpContext http, AcmeProblem problem)
    {
        var body = new JsonObject
        {
            ["type"] = problem.Type.StartsWith("urn:", StringComparison.Ordinal) ? problem.Type : AcmeProblem.Prefix + problem.Type,
            ["detail"] = problem.Message,
            ["status"] = problem.Status,
        };
        if (problem.Algorithms is { } algorithms) body["algorithms"] = new JsonArray([.. algorithms.Select(a => (JsonNode)JsonValue.Create(a)!)]);
        if (problem.Subproblems is { Count: > 0 } subproblems) body["subproblems"] = new JsonArray([.. subproblems]);
        // Every ACME answer, errors included, carries a fresh nonce (RFC 8555 §6.5); badNonce needs one to retry with.
        http.RequestServices.GetService<AcmeService>()?.AddNonce(http);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(body.ToJsonString(), ProblemMediaType, System.Text.Encoding.UTF8, problem.Status);
    }
}
