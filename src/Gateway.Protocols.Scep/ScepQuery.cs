using System.Text;

namespace Gateway.Protocols.Scep;

/// <summary>
/// The <c>operation</c> and <c>message</c> parameters of a SCEP URL, decoded by hand: form decoding would turn the
/// <c>+</c> of a base64 message into a space, and some clients (sscep, Cisco) break the message into lines.
/// </summary>
internal sealed record ScepQuery(string? Operation, string? Message)
{
    public static ScepQuery Parse(string? rawQuery)
    {
        string? operation = null, message = null;
        if (string.IsNullOrEmpty(rawQuery)) return new ScepQuery(null, null);
        foreach (var pair in rawQuery.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            if (name.Equals("operation", StringComparison.OrdinalIgnoreCase)) operation ??= PercentDecode(value);
            else if (name.Equals("message", StringComparison.OrdinalIgnoreCase)) message ??= PercentDecode(value);
        }
        return new ScepQuery(operation, message);
    }

    /// <summary>Decodes the GET <c>message</c>: base64 or base64url, with or without padding, line breaks and spaces ignored; null when it is not.</summary>
    public static byte[]? DecodeMessage(string message, int maxBytes)
    {
        var compact = new StringBuilder(message.Length);
        foreach (var c in message)
        {
            if (char.IsWhiteSpace(c)) continue;
            compact.Append(c switch { '-' => '+', '_' => '/', _ => c });
        }
        while (compact.Length % 4 != 0) compact.Append('=');
        if (compact.Length / 4 * 3 > maxBytes + 3) return null;
        try
        {
            return Convert.FromBase64String(compact.ToString());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string PercentDecode(string value)
    {
        if (!value.Contains('%')) return value;
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
