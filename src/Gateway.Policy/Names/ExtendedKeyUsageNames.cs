using Gateway.Pkix;

namespace Gateway.Policy.Names;

/// <summary>extendedKeyUsage purpose names as written in profiles (or a dotted OID).</summary>
internal static class ExtendedKeyUsageNames
{
    public const string OcspSigning = Oids.OcspSigning;

    /// <summary>Purposes any profile may grant; every other one is sensitive (see <see cref="IsSensitive"/>).</summary>
    private static readonly HashSet<string> Ordinary = new(StringComparer.Ordinal)
    {
        Oids.ServerAuth,
        Oids.ClientAuth,
        Oids.EmailProtection,
    };

    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serverAuth"] = Oids.ServerAuth,
        ["clientAuth"] = Oids.ClientAuth,
        ["codeSigning"] = Oids.CodeSigning,
        ["emailProtection"] = Oids.EmailProtection,
        ["timeStamping"] = Oids.TimeStamping,
        ["ocspSigning"] = OcspSigning,
        ["anyExtendedKeyUsage"] = Oids.AnyExtendedKeyUsage,
    };

    public const string Known = "serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning, anyExtendedKeyUsage, or a dotted OID";

    /// <summary>
    /// Whether a profile may grant <paramref name="oid"/> only when the operator allows it: everything but serverAuth,
    /// clientAuth and emailProtection (codeSigning, timeStamping, anyExtendedKeyUsage, ocspSigning, any other OID).
    /// </summary>
    public static bool IsSensitive(string oid) => !Ordinary.Contains(oid);

    public static bool TryGetOid(string nameOrOid, out string oid)
    {
        if (ByName.TryGetValue(nameOrOid, out var found))
        {
            oid = found;
            return true;
        }

        if (Oids.IsValid(nameOrOid))
        {
            oid = nameOrOid;
            return true;
        }

        oid = string.Empty;
        return false;
    }
}
