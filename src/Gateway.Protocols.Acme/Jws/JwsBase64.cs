using System.Buffers.Text;

namespace Gateway.Protocols.Acme.Jws;

/// <summary>Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, no whitespace.</summary>
internal static class JwsBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1) return false;
        foreach (var c in text)
        {
            if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_')) return false;
        }
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return Base64Url.EncodeToString(bytes) == text; // non-canonical trailing bits are refused too
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
