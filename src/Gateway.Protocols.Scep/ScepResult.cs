using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Scep;

/// <summary>A SCEP answer with an exact Content-Length (never chunked) and the protocol's media type.</summary>
internal sealed class ScepResult(int status, string contentType, byte[] body, TimeSpan? retryAfter = null) : IResult
{
    public static ScepResult Text(int status, string message, TimeSpan? retryAfter = null) =>
        new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), retryAfter);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
