using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Contracts.Credentials;

/// <summary>
/// The format of credential ids and secrets, shared by every front-end.
/// <list type="bullet">
/// <item>An id is 16 characters of <c>[a-z0-9]</c>: the EST Basic username, the CMP senderKID (<c>openssl cmp -ref</c>) and the ACME EAB key id.</item>
/// <item>A secret is the id followed by 43 base64url characters (32 random bytes), 59 characters in all. So a secret
/// identifies its credential by itself (SCEP's challengePassword carries nothing else: <see cref="TryGetId"/>), and
/// the whole secret is valid base64url: ACME EAB's HMAC key is its decoding (<see cref="HmacKey"/>, 44 bytes).</item>
/// </list>
/// EST uses the secret as the Basic password and CMP as the MAC secret (<c>openssl cmp -secret pass:&lt;secret&gt;</c>:
/// the UTF-8 bytes of the secret, <see cref="MacKey"/>).
/// </summary>
public static class CredentialSecrets
{
    public const int IdLength = 16;
    public const int SecretLength = IdLength + 43;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    /// <summary>A new secret for credential <paramref name="id"/>.</summary>
    public static string NewSecret(string id)
    {
        if (!IsWellFormedId(id)) throw new ArgumentException("Not a credential id.", nameof(id));
        return id + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
    }

    public static bool IsWellFormedId(string? id) =>
        id is { Length: IdLength } && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');

    /// <summary>The credential a secret belongs to (its first 16 characters), when the secret is well formed.</summary>
    public static bool TryGetId(string? secret, out string id)
    {
        id = "";
        if (secret is not { Length: SecretLength } || !Base64Url.IsValid(secret)) return false;
        var candidate = secret[..IdLength];
        if (!IsWellFormedId(candidate)) return false;
        id = candidate;
        return true;
    }

    /// <summary>CMP password-based MAC (PBM/PBMAC1) key material: the secret's UTF-8 bytes, as <c>openssl cmp -secret pass:</c> uses them.</summary>
    public static byte[] MacKey(string secret) => System.Text.Encoding.UTF8.GetBytes(secret);

    /// <summary>The ACME External Account Binding HMAC key: the secret decoded as base64url (RFC 8555 §7.3.4 hands it to clients base64url-encoded).</summary>
    public static byte[] HmacKey(string secret) => Base64Url.DecodeFromChars(secret);
}
