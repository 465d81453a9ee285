using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Scep;

/// <summary>A SCEP answer with an exact Content-Length (never chunked) and the protocol's media type.</summary>
internal sealed class ScepResult(int status, string contentType, byte[] body) : IResult
{
    public static ScepResult Text(int status, string message) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
