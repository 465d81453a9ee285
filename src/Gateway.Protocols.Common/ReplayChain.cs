using System.Security.Cryptography;
using System.Text;
using Gateway.Contracts;

namespace Gateway.Protocols.Common;

/// <summary>
/// Which enrollment a request without a transaction id (EST) belongs to. The front-end derives the first enrollment's
/// id from the request (EST: operation, client and CSR); an identical request is that enrollment's retry while it is
/// pending, or issued less than the <see cref="ReplayWindow"/> ago; once its certificate is older, the same bytes start
/// the next enrollment of a chain whose ids are derived from the previous id and its serial. Each link is still
/// idempotent, so concurrent identical requests after the window land on the same new enrollment, and the chain is
/// walked from its start, one grain call per earlier issuance of those exact bytes (a handful in a device's life).
/// </summary>
public static class ReplayChain
{
    /// <summary>Links followed before a request is treated as new without replay protection (a client replaying one CSR forever).</summary>
    public const int MaxLinks = 32;

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
