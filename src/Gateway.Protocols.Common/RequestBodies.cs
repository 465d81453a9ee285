using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Common;

/// <summary>Request bodies of protocol front-ends, read with a bound whether they come with a Content-Length or chunked.</summary>
public static class RequestBodies
{
    /// <summary>The whole body, or null as soon as it is known to exceed <paramref name="limit"/> bytes (declared or read).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
