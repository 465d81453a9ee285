using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Est;

/// <summary>
/// An EST error: the status and a plain-text reason (RFC 7030 §4.2.3), with the Basic challenge on 401 and Retry-After
/// where given; always with a Content-Length, never chunked.
/// </summary>
internal sealed class EstTextResult(int status, string message, bool challenge = false, TimeSpan? retryAfter = null) : IResult
{
    public int Status { get; } = status;

    public string Message { get; } = message;

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = Status;
        if (challenge || Status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Basic realm=\"EST\", charset=\"UTF-8\"";
        if (retryAfter is { } after) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes(Message + "\n");
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }
}
