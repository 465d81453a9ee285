using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Scep;

/// <summary>
/// Whether a transactionID is a hash of the request's public key, as draft-nourse-scep asked and many clients still do.
/// RFC 8894 §3.2.1.1 only asks for a unique string (a UUID or a device identifier will do), so the check runs only when
/// <see cref="ScepOptions.RequireKeyHashTransactionId"/> is set. Clients hash different bytes and print them in
/// different ways, so every common form is accepted: MD5, SHA-1, SHA-256, SHA-256 cut to 160 bits (RFC 7093 method 1)
/// or SHA-512 of the SubjectPublicKeyInfo or of the subjectPublicKey bits (micromdm's scepclient 2.1: the cut SHA-256 of
/// the bits, base64, found from a recorded request; sscep: MD5, hex), printed as hex in either case,
/// base64 or base64url with or without padding.
/// </summary>
internal static class ScepTransactionIds
{
    public static bool IsKeyHash(string transactionId, byte[] subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        byte[] keyBits;
        try
        {
            keyBits = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _).EncodedKeyValue.RawData;
        }
        catch (CryptographicException)
        {
            return false;
        }
        foreach (var input in new[] { subjectPublicKeyInfo, keyBits })
        {
            var sha256 = SHA256.HashData(input);
            foreach (var hash in new[] { MD5.HashData(input), SHA1.HashData(input), sha256, sha256[..20], SHA512.HashData(input) })
            {
                if (Matches(transactionId, hash)) return true;
            }
        }
        return false;
    }

    private static bool Matches(string transactionId, byte[] hash)
    {
        if (transactionId.Equals(Convert.ToHexString(hash), StringComparison.OrdinalIgnoreCase)) return true;
        var base64 = Convert.ToBase64String(hash);
        var unpadded = base64.TrimEnd('=');
        var url = unpadded.Replace('+', '-').Replace('/', '_');
        return transactionId == base64 || transactionId == unpadded || transactionId == url || transactionId == url + base64[unpadded.Length..];
    }
}
