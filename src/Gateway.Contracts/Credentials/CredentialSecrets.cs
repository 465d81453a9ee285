using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Contracts.Credentials;

/// <summary>
/// The format of credential ids and secrets, shared by every front-end.
/// <list type="bullet">
/// <item>An id is 16 characters of <c>[a-z0-9]</c>: the EST Basic username, the CMP senderKID (<c>openssl cmp -ref</c>) and the ACME EAB key id.</item>
/// <item>A secret is the id followed by 44 random characters of <c>[A-Za-z0-9]</c> (44 × log2 62 ≈ 262 bits), 60 characters
/// in all. So a secret identifies its credential by itself (SCEP's challengePassword carries nothing else: <see cref="TryGetId"/>).</item>
/// </list>
/// The alphabet is the intersection of what every protocol accepts unquoted: base64url (so ACME EAB's HMAC key is the
/// secret's decoding, <see cref="HmacKey"/>: 60 characters, a multiple of 4, decode to exactly 45 bytes with no
/// leftover bits, so strict decoders accept it too), ASN.1 PrintableString (SCEP challengePassword; <c>_</c> and <c>-</c>
/// of base64url are not both allowed there), an <c>openssl cmp -secret pass:</c> argument and a curl <c>-u id:secret</c>
/// (no <c>:</c>, no shell or URL metacharacters). EST uses the secret as the Basic password and CMP as the MAC secret
/// (the UTF-8 bytes of the secret, <see cref="MacKey"/>).
/// </summary>
public static class CredentialSecrets
{
    public const int IdLength = 16;
    /// <summary>Random characters after the id: 44 of 62 symbols ≥ 256 bits, and 16 + 44 = 60 ≡ 0 (mod 4) for base64url.</summary>
    public const int RandomLength = 44;
    public const int SecretLength = IdLength + RandomLength;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly System.Buffers.SearchValues<char> SecretAlphabetValues = System.Buffers.SearchValues.Create(SecretAlphabet);

    /// <summary>Bits of randomness in a secret: <see cref="RandomLength"/> × log2(62).</summary>
    public static double SecretEntropyBits => RandomLength * Math.Log2(SecretAlphabet.Length);

    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    /// <summary>A new secret for credential <paramref name="id"/> (uniformly random characters: <see cref="RandomNumberGenerator.GetString"/> rejects biased samples).</summary>
    public static string NewSecret(string id)
    {
        if (!IsWellFormedId(id)) throw new ArgumentException("Not a credential id.", nameof(id));
        return id + RandomNumberGenerator.GetString(SecretAlphabet, RandomLength);
    }

    public static bool IsWellFormedId(string? id) =>
        id is { Length: IdLength } && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');

    /// <summary>Whether <paramref name="secret"/> has the shape of a secret: an id, then <see cref="RandomLength"/> characters of <c>[A-Za-z0-9]</c>.</summary>
    public static bool IsWellFormedSecret(string? secret) =>
        secret is { Length: SecretLength } && IsWellFormedId(secret[..IdLength])
        && !secret.AsSpan(IdLength).ContainsAnyExcept(SecretAlphabetValues);

    /// <summary>The credential a secret belongs to (its first 16 characters), when the secret is well formed.</summary>
    public static bool TryGetId(string? secret, out string id)
    {
        id = "";
        if (!IsWellFormedSecret(secret)) return false;
        id = secret![..IdLength];
        return true;
    }

    /// <summary>CMP password-based MAC (PBM/PBMAC1) key material: the secret's UTF-8 bytes, as <c>openssl cmp -secret pass:</c> uses them.</summary>
    public static byte[] MacKey(string secret) => System.Text.Encoding.UTF8.GetBytes(secret);

    /// <summary>The ACME External Account Binding HMAC key: the secret decoded as base64url (RFC 8555 §7.3.4 hands it to clients base64url-encoded).</summary>
    public static byte[] HmacKey(string secret) => Base64Url.DecodeFromChars(secret);
}
