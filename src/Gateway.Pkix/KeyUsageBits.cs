using System.Security.Cryptography.X509Certificates;

namespace Gateway.Pkix;

/// <summary>The keyUsage bits by their RFC 5280 §4.2.1.3 names (contentCommitment is nonRepudiation's newer name).</summary>
public static class KeyUsageBits
{
    private static readonly (X509KeyUsageFlags Flag, string Name)[] Bits =
    [
        (X509KeyUsageFlags.DigitalSignature, "digitalSignature"),
        (X509KeyUsageFlags.NonRepudiation, "nonRepudiation"),
        (X509KeyUsageFlags.KeyEncipherment, "keyEncipherment"),
        (X509KeyUsageFlags.DataEncipherment, "dataEncipherment"),
        (X509KeyUsageFlags.KeyAgreement, "keyAgreement"),
        (X509KeyUsageFlags.KeyCertSign, "keyCertSign"),
        (X509KeyUsageFlags.CrlSign, "cRLSign"),
        (X509KeyUsageFlags.EncipherOnly, "encipherOnly"),
        (X509KeyUsageFlags.DecipherOnly, "decipherOnly"),
    ];

    private static readonly Dictionary<string, X509KeyUsageFlags> ByName = BuildByName();

    /// <summary>The bit named <paramref name="name"/> (case-insensitive), any of the nine.</summary>
    public static bool TryGet(string name, out X509KeyUsageFlags flag) => ByName.TryGetValue(name, out flag);

    /// <summary>The names of the bits set in <paramref name="flags"/>, in bit order.</summary>
    public static IReadOnlyList<string> Names(X509KeyUsageFlags flags) => [.. Bits.Where(b => (flags & b.Flag) != 0).Select(b => b.Name)];

    private static Dictionary<string, X509KeyUsageFlags> BuildByName()
    {
        var map = Bits.ToDictionary(b => b.Name, b => b.Flag, StringComparer.OrdinalIgnoreCase);
        map["contentCommitment"] = X509KeyUsageFlags.NonRepudiation;
        return map;
    }
}
