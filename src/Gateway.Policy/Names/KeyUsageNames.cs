using System.Security.Cryptography.X509Certificates;

namespace Gateway.Policy.Names;

/// <summary>RFC 5280 keyUsage bit names as written in profiles.</summary>
internal static class KeyUsageNames
{
    private static readonly Dictionary<string, X509KeyUsageFlags> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["digitalSignature"] = X509KeyUsageFlags.DigitalSignature,
        ["nonRepudiation"] = X509KeyUsageFlags.NonRepudiation,
        ["contentCommitment"] = X509KeyUsageFlags.NonRepudiation,
        ["keyEncipherment"] = X509KeyUsageFlags.KeyEncipherment,
        ["dataEncipherment"] = X509KeyUsageFlags.DataEncipherment,
        ["keyAgreement"] = X509KeyUsageFlags.KeyAgreement,
        ["encipherOnly"] = X509KeyUsageFlags.EncipherOnly,
        ["decipherOnly"] = X509KeyUsageFlags.DecipherOnly,
    };

    /// <summary>Names that exist but are refused: the gateway issues end-entity certificates only.</summary>
    public static bool IsCaOnly(string name) =>
        name.Equals("keyCertSign", StringComparison.OrdinalIgnoreCase) || name.Equals("cRLSign", StringComparison.OrdinalIgnoreCase);

    public static bool TryGet(string name, out X509KeyUsageFlags flag) => ByName.TryGetValue(name, out flag);

    public const string Known = "digitalSignature, nonRepudiation (contentCommitment), keyEncipherment, dataEncipherment, keyAgreement, encipherOnly, decipherOnly";

    public static string Describe(X509KeyUsageFlags flags)
    {
        var names = new List<string>();
        Add(X509KeyUsageFlags.DigitalSignature, "digitalSignature");
        Add(X509KeyUsageFlags.NonRepudiation, "nonRepudiation");
        Add(X509KeyUsageFlags.KeyEncipherment, "keyEncipherment");
        Add(X509KeyUsageFlags.DataEncipherment, "dataEncipherment");
        Add(X509KeyUsageFlags.KeyAgreement, "keyAgreement");
        Add(X509KeyUsageFlags.EncipherOnly, "encipherOnly");
        Add(X509KeyUsageFlags.DecipherOnly, "decipherOnly");
        return names.Count == 0 ? "none" : string.Join(", ", names);

        void Add(X509KeyUsageFlags flag, string name)
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }
    }
}
