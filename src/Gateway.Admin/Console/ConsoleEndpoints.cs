using System.Reflection;
using Gateway.Admin.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Console;

/// <summary>
/// The admin console at <c>/console</c>: static assets embedded in this assembly (no build step, no CDN), a client of the
/// admin API and nothing else. It signs in with an API key kept in the tab's sessionStorage and sent as a Bearer header,
/// so there is no cookie and no cross-site request to forge. Every answer carries a strict CSP (no inline script or
/// style) and the other security headers. Like the API, it is served over HTTPS (plain HTTP only from loopback when
/// <c>Gateway:Admin:AllowPlainHttpFromLoopback</c>).
/// </summary>
public static class ConsoleEndpoints
{
    public const string Path = "/console";

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Assets = Load();

    private static Dictionary<string, (byte[] Body, string ContentType)> Load()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var file = name["console/".Length..];
            var type = System.IO.Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[file] = (memory.ToArray(), type);
        }
        return assets;
    }

    public static IEndpointRouteBuilder MapGatewayConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (Delegate)Serve).ExcludeFromDescription();
        app.MapGet(Path + "/{**file}", (Delegate)Serve).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext http, string? file = null)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers.CacheControl = "no-cache";
        var allowLoopback = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.AllowPlainHttpFromLoopback;
        if (!http.Request.IsHttps && !(allowLoopback && http.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address)))
        {
            return Results.Text("The console is served over HTTPS only.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }
        // An asset by name; any other path is a client-side route of the single page.
        if (file is not null && Assets.TryGetValue(file, out var asset)) return Results.Bytes(asset.Body, asset.ContentType);
        if (file is not null && System.IO.Path.HasExtension(file)) return Results.Text("No such console asset.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        var index = Assets["index.html"];
        return Results.Bytes(index.Body, index.ContentType);
    }
}
