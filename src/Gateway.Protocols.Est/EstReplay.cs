using System.Security.Cryptography;
using System.Text;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>
/// Which enrollment an EST request belongs to. EST has no transaction id: a client repeating a request after a 202
/// repeats its bytes (RFC 7030 §4.2.3), so the first enrollment's id is derived from the operation, the client and the
/// CSR. An identical request is that enrollment's retry while it is pending, or issued less than
/// <see cref="EstOptions.ReplayWindow"/> ago; once its certificate is older, the same bytes start the next enrollment
/// of a chain whose ids are derived from the previous id and its serial. Each link is still idempotent, so concurrent
/// identical requests after the window land on the same new enrollment, and the chain is walked from its start, one
/// grain call per earlier issuance of those exact bytes (a handful in a device's life).
/// </summary>
public static class EstReplay
{
    /// <summary>Links followed before a request is treated as new without replay protection (a client replaying one CSR forever).</summary>
    public const int MaxLinks = 32;

    /// <summary>The first enrollment id of a request: SHA-256 of operation, requester and the CSR's DER, in hex.</summary>
    public static string FirstTransactionId(string operation, string requester, byte[] der)
    {
        var prefix = Encoding.UTF8.GetBytes($"{operation}\n{requester}\n");
        var buffer = new byte[prefix.Length + der.Length];
        prefix.CopyTo(buffer, 0);
        der.CopyTo(buffer, prefix.Length);
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }

    /// <summary>
    /// Null when <paramref name="outcome"/> answers the request (pending, refused, or issued within the window);
    /// otherwise the id of the next enrollment in the chain after <paramref name="transactionId"/>.
    /// </summary>
    public static string? Next(string transactionId, EnrollmentOutcome outcome, DateTimeOffset now, TimeSpan window)
    {
        if (outcome is not IssuedOutcome issued || now - issued.IssuedAt <= window) return null;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{transactionId}\n{issued.Serial}")));
    }
}
