using System.Security.Cryptography;

namespace Gateway.Pkix;

/// <summary>The SHA-2 digests ECDSA signs and verifies over here (SHA-256, SHA-384, SHA-512), into a caller's buffer.</summary>
public static class Sha2Digest
{
    /// <summary>The largest digest, for a caller's stack buffer.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// <paramref name="hash"/>'s digest of <paramref name="data"/> written to <paramref name="digest"/> (at least
    /// <see cref="MaxLength"/> bytes); its length, or -1 for any other hash (the caller then leaves the work to the BCL).
    /// </summary>
    public static int TryHashData(HashAlgorithmName hash, ReadOnlySpan<byte> data, Span<byte> digest) =>
        hash == HashAlgorithmName.SHA256 || hash == HashAlgorithmName.SHA384 || hash == HashAlgorithmName.SHA512
            ? CryptographicOperations.HashData(hash, data, digest)
            : -1;
}
