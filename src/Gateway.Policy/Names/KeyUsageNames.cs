using System.Security.Cryptography.X509Certificates;
using Gateway.Pkix;

namespace Gateway.Policy.Names;

/// <summary>The keyUsage bits a profile may write (every RFC 5280 name but the CA-only keyCertSign and cRLSign).</summary>
internal static class KeyUsageNames
{
    /// <summary>Names that exist but are refused: the gateway issues end-entity certificates only.</summary>
    public static bool IsCaOnly(string name) =>
        name.Equals("keyCertSign", StringComparison.OrdinalIgnoreCase) || name.Equals("cRLSign", StringComparison.OrdinalIgnoreCase);

    /// <summary>A bit a profile may ask for: any named bit (<see cref="KeyUsageBits"/>) but the CA-only ones.</summary>
    public static bool TryGet(string name, out X509KeyUsageFlags flag) =>
        KeyUsageBits.TryGet(name, out flag) && (flag & (X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)) == 0;

    public const string Known = "digitalSignature, nonRepudiation (contentCommitment), keyEncipherment, dataEncipherment, keyAgreement, encipherOnly, decipherOnly";

    public static string Describe(X509KeyUsageFlags flags)
    {
        var names = KeyUsageBits.Names(flags);
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
