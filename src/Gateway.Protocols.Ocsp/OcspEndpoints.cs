using System.Buffers;
using System.Globalization;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Protocols.Ocsp;

/// <summary>
/// The OCSP responder over HTTP (RFC 6960 Appendix A, RFC 5019 §5): <c>POST /ocsp</c> with an
/// <c>application/ocsp-request</c> body, and <c>GET /ocsp/{base64 of the DER request, URL-escaped}</c>. Every answer is
/// <c>200 application/ocsp-response</c>: a signed response, or an OCSP error status (malformedRequest for anything
/// unreadable, unauthorized for an issuer this gateway does not serve, internalError when the responder fails).
/// </summary>
public static class OcspEndpoints
{
    /// <summary>A DER OCSPRequest for one certificate is ~100 bytes; signed ones with certificates stay far below this.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    private const string Prefix = "/ocsp";

    /// <summary>
    /// The responder grain reference, made once: GetGrain resolves the interface's grain type by reflection on every
    /// call, a measurable share of a cached answer's cost. References are immutable and thread-safe.
    /// </summary>
    private static (IGrainFactory Factory, IOcspResponderGrain Grain)? _responder;

    public static IEndpointRouteBuilder MapOcspEndpoints(this IEndpointRouteBuilder app)
    {
        var ocsp = app.MapGroup(Prefix).WithTags("OCSP").AllowAnonymous().ExcludeFromDescription();
        ocsp.MapPost("/", PostAsync); // matches /ocsp and /ocsp/
        ocsp.MapGet("/{**request}", GetAsync);
        return app;
    }

    private static async Task PostAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http.Request);
        await RespondAsync(http, body, isGet: false);
    }

    private static Task GetAsync(HttpContext http) => RespondAsync(http, DecodeGetPath(http.Request.Path), isGet: true);

    /// <summary>
    /// The request from a GET path: everything after <c>/ocsp/</c>, URL-unescaped (clients escape '+', '/' and '=' in
    /// varying ways; the path arrives with <c>%2F</c> still escaped), then base64 (base64url and missing padding are
    /// accepted too). Null when it does not decode.
    /// </summary>
    internal static byte[]? DecodeGetPath(PathString path)
    {
        var value = path.Value ?? "";
        var start = value.IndexOf(Prefix + "/", StringComparison.OrdinalIgnoreCase);
        if (start < 0) return null;
        var text = value[(start + Prefix.Length + 1)..];
        if (text.Length == 0 || text.Length > MaxRequestBytes * 2) return null;
        try
        {
            text = Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return null;
        }

        text = text.Replace('-', '+').Replace('_', '/').Trim();
        switch (text.Length % 4)
        {
            case 2: text += "=="; break;
            case 3: text += "="; break;
        }

        var buffer = new byte[text.Length * 3 / 4];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer.AsSpan(0, written).ToArray() : null;
    }

    /// <summary>The body, or null when it is larger than <see cref="MaxRequestBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxRequestBytes) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total, MaxRequestBytes + 1 - total))) > 0)
            {
                total += read;
                if (total > MaxRequestBytes) return null;
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task RespondAsync(HttpContext http, byte[]? der, bool isGet)
    {
        OcspAnswer answer;
        OcspCertificateRequest? request = null;
        var error = "not base64, or larger than " + MaxRequestBytes + " bytes";
        if (der is null || !OcspRequestReader.TryRead(der, out request, out error))
        {
            Log(http).LogDebug("Malformed OCSP request: {Error}", error);
            answer = OcspAnswer.Error(OcspResponseStatus.MalformedRequest);
        }
        else
        {
            try
            {
                answer = await Responder(http.RequestServices.GetRequiredService<IGrainFactory>()).RespondAsync(request!);
            }
            catch (Exception ex)
            {
                Log(http).LogError(ex, "The OCSP responder failed");
                answer = OcspAnswer.Error(OcspResponseStatus.InternalError);
            }
        }

        http.RequestServices.GetRequiredService<OcspMetrics>().Record(answer);
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = OcspMediaTypes.Response;
        response.ContentLength = answer.Response.Length;
        if (isGet && answer.ThisUpdate is { } thisUpdate)
        {
            // RFC 5019 §6.2 caching headers, but revalidated each time: a revocation must show at once, also through caches.
            response.Headers.LastModified = thisUpdate.ToString("R", CultureInfo.InvariantCulture);
            response.Headers.CacheControl = "public, no-transform, max-age=0, must-revalidate";
        }
        else
        {
            response.Headers.CacheControl = "no-store";
        }

        await response.Body.WriteAsync(answer.Response);
    }

    private static IOcspResponderGrain Responder(IGrainFactory factory)
    {
        var cached = _responder;
        if (cached is { } c && ReferenceEquals(c.Factory, factory)) return c.Grain;
        var grain = factory.GetGrain<IOcspResponderGrain>(0);
        _responder = (factory, grain);
        return grain;
    }

    private static ILogger Log(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OcspEndpoints).FullName!);
}
