using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Est;

internal static class BasicCredentials
{
    /// <summary>Reads <c>Authorization: Basic</c>; <paramref name="malformed"/> when present but undecodable.</summary>
    public static bool TryRead(HttpRequest request, out string username, out string password, out bool malformed)
    {
        username = password = "";
        malformed = false;
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon <= 0) { malformed = true; return true; }
            username = decoded[..colon];
            password = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            malformed = true;
            return true;
        }
    }
}
