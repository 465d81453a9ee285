using System.Security.Cryptography;
using System.Text;

namespace Gateway.Grains;

/// <summary>
/// How a credential's secret is stored for checking: SHA-256 over a 16-byte per-credential random salt and the
/// secret's UTF-8 bytes. No key stretching (PBKDF2, Argon2): stretching protects low-entropy human passwords, while these
/// secrets are ≥ 256 random bits that no amount of hashing speed makes guessable; a slow hash would only make every
/// EST/SCEP request (and every attacker's attempt) cost the gateway milliseconds of CPU. Compared in constant time.
/// </summary>
internal static class CredentialSecretHash
{
    public const string Algorithm = "sha256-salted";
    public const int SaltLength = 16;

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    public static byte[] Compute(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(secretBytes);
        return hash;
    }

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="expectedHash"/>; the comparison takes the same time wherever they differ.</summary>
    public static bool Matches(byte[] salt, byte[] expectedHash, string presented, string algorithm)
    {
        if (algorithm != Algorithm) return false;
        var candidate = Compute(salt, presented);
        return CryptographicOperations.FixedTimeEquals(candidate, expectedHash);
    }
}
