using System.Security.Cryptography;
using System.Text;

namespace Gateway.Protocols.Est;

/// <summary>
/// Which enrollment an EST request belongs to. EST has no transaction id: a client repeating a request after a 202
/// repeats its bytes (RFC 7030 §4.2.3), so the first enrollment's id is derived from the operation, the client and the
/// CSR. The port walks the chain of later enrollments of the same bytes (<see cref="Common.ReplayChain"/>) with
/// <see cref="EstOptions.ReplayWindow"/>.
/// </summary>
public static class EstReplay
{
    /// <summary>The first enrollment id of a request: SHA-256 of operation, requester and the CSR's DER, in hex.</summary>
    public static string FirstTransactionId(string operation, string requester, byte[] der)
    {
        var prefix = Encoding.UTF8.GetBytes($"{operation}\n{requester}\n");
        var buffer = new byte[prefix.Length + der.Length];
        prefix.CopyTo(buffer, 0);
        der.CopyTo(buffer, prefix.Length);
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }
}
