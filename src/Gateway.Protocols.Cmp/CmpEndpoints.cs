using Gateway.Contracts;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Cmp;

/// <summary>
/// CMP over HTTP (RFC 9811): <c>POST application/pkixcmp</c> at <c>/.well-known/cmp</c> (profile
/// <see cref="CmpOptions.DefaultProfile"/>) and <c>/.well-known/cmp/p/&lt;label&gt;</c> (the label names the profile).
/// Every CMP answer, errors included, is a protected PKIMessage with HTTP 200; plain-text HTTP errors only for what is
/// not a CMP request at all (wrong method, media type, path or size) and for an address refused unread.
/// </summary>
public static class CmpEndpoints
{
    public const string MediaType = "application/pkixcmp";

    /// <summary>RFC 9483's operation path segments (IANA "CMP Well-Known URI Path Segments"): accepted after the profile, informational only.</summary>
    internal static readonly HashSet<string> OperationLabels = new(StringComparer.Ordinal)
    {
        "initialization", "certification", "keyupdate", "pkcs10", "revocation", "getcacerts", "getrootupdate", "getcertreqtemplate", "getcrls", "nested",
    };

    public static IEndpointRouteBuilder MapCmpEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/.well-known/cmp", [HttpMethods.Post], (Delegate)((HttpContext http) => HandleAsync(http, null))).ExcludeFromDescription();
        app.MapMethods("/.well-known/cmp/{**path}", [HttpMethods.Post], (Delegate)((HttpContext http, string? path) =>
        {
            // /.well-known/cmp/<operation>, /.well-known/cmp/p/<label>, /.well-known/cmp/p/<label>/<operation> (RFC 9811 §3.3, RFC 9483 §6.1).
            var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments switch
            {
                [var operation] when OperationLabels.Contains(operation) => HandleAsync(http, null),
                ["p", var label] => HandleAsync(http, label),
                ["p", var label, var operation] when OperationLabels.Contains(operation) => HandleAsync(http, label),
                _ => Task.FromResult(Text(http, StatusCodes.Status404NotFound,
                    "CMP lives at /.well-known/cmp and /.well-known/cmp/p/<label>, optionally followed by an RFC 9483 operation label.")),
            };
        })).ExcludeFromDescription();
        // Anything but POST under the CMP path: a plain answer, not the admin API's problem documents.
        app.MapMethods("/.well-known/cmp/{**rest}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Head],
            (Delegate)((HttpContext http) => Text(http, StatusCodes.Status405MethodNotAllowed,
                "CMP takes POST application/pkixcmp at /.well-known/cmp and /.well-known/cmp/p/<label>."))).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string? label)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<CmpOptions>>().Value;
        if (label is { Length: > 128 }) return Text(http, StatusCodes.Status404NotFound, "A CMP label is at most 128 characters.");
        var contentType = http.Request.ContentType;
        if (contentType is null || !contentType.Split(';')[0].Trim().Equals(MediaType, StringComparison.OrdinalIgnoreCase))
            return Text(http, StatusCodes.Status415UnsupportedMediaType, $"A CMP request has Content-Type {MediaType}.");
        var name = label ?? options.DefaultProfile;
        var port = http.RequestServices.GetRequiredService<IEnrollmentPort>();
        var profile = await port.ResolveProfileAsync(EnrollmentProtocol.Cmp, name);
        if (profile is null) return Text(http, StatusCodes.Status404NotFound, $"No profile '{name}' that allows CMP.");

        var body = await RequestBodies.ReadLimitedAsync(http.Request, options.MaxMessageBytes, http.RequestAborted);
        if (body is null) return Text(http, StatusCodes.Status413PayloadTooLarge, $"A CMP message is at most {options.MaxMessageBytes} bytes.");
        if (body.Length == 0) return Text(http, StatusCodes.Status400BadRequest, "The CMP message is empty.");

        var reply = await http.RequestServices.GetRequiredService<CmpService>().HandleAsync(profile, body, http.Connection.RemoteIpAddress);
        if (reply.Message is null)
        {
            if (reply.RetryAfter is { } retry) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Text(http, reply.HttpStatus, reply.Error ?? "The CMP message cannot be processed.");
        }
        // Content-Length, never chunked (RFC 9811 §3.2 clients read a whole message).
        return Results.Bytes(reply.Message, MediaType);
    }

    private static IResult Text(HttpContext http, int status, string text) =>
        Results.Text(text + "\n", "text/plain; charset=utf-8", System.Text.Encoding.UTF8, status);
}
