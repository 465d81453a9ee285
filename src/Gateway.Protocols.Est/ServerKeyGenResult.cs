using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Est;

/// <summary>
/// RFC 7030 §4.4.2: multipart/mixed with the private key (application/pkcs8, base64) and the certificate (certs-only
/// CMS, base64). The key lives only in this response; the buffer is zeroed after writing.
/// </summary>
internal sealed class ServerKeyGenResult(byte[] pkcs8, byte[] certsOnly) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var boundary = "est-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var sb = new StringBuilder();
        sb.Append("--").Append(boundary).Append("\r\n")
          .Append("Content-Type: ").Append(EstMediaTypes.Pkcs8).Append("\r\n")
          .Append("Content-Transfer-Encoding: base64\r\n\r\n")
          .Append(EstEncoding.Base64Lines(pkcs8))
          .Append("--").Append(boundary).Append("\r\n")
          .Append("Content-Type: ").Append(EstMediaTypes.CertsOnly).Append("\r\n")
          .Append("Content-Transfer-Encoding: base64\r\n\r\n")
          .Append(EstEncoding.Base64Lines(certsOnly))
          .Append("--").Append(boundary).Append("--\r\n");
        CryptographicOperations.ZeroMemory(pkcs8);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = $"multipart/mixed; boundary={boundary}";
        http.Response.Headers.CacheControl = "no-store";
        // Always a Content-Length, never chunked; the buffers holding the key are cleared after writing.
        var body = Encoding.ASCII.GetBytes(sb.ToString());
        sb.Clear();
        http.Response.ContentLength = body.Length;
        try
        {
            await http.Response.Body.WriteAsync(body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }
}
