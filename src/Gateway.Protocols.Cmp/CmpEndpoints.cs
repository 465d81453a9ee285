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

    public static IEndpointRouteBuilder MapCmpEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/.well-known/cmp", [HttpMethods.Post], (Delegate)((HttpContext http) => HandleAsync(http, null))).ExcludeFromDescription();
        app.MapMethods("/.well-known/cmp/p/{label}", [HttpMethods.Post], (HttpContext http, string label) => HandleAsync(http, label)).ExcludeFromDescription();
        // Anything else under the CMP path: a plain answer, not the admin API's problem documents.
        app.Map("/.well-known/cmp/{**rest}", (Delegate)((HttpContext http) => Text(http, StatusCodes.Status405MethodNotAllowed,
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
