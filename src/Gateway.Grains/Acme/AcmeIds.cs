using System.Security.Cryptography;

namespace Gateway.Grains.Acme;

internal static class AcmeIds
{
    /// <summary>A new resource id or challenge token: 128 random bits, base64url (RFC 8555 §8.3 asks tokens for at least 128 bits).</summary>
    public static string New() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
