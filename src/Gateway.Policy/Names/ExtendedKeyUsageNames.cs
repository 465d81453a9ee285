namespace Gateway.Policy.Names;

/// <summary>extendedKeyUsage purpose names as written in profiles (or a dotted OID).</summary>
internal static class ExtendedKeyUsageNames
{
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    /// <summary>Purposes any profile may grant; every other one is sensitive (see <see cref="IsSensitive"/>).</summary>
    private static readonly HashSet<string> Ordinary = new(StringComparer.Ordinal)
    {
        "1.3.6.1.5.5.7.3.1", // serverAuth
        "1.3.6.1.5.5.7.3.2", // clientAuth
        "1.3.6.1.5.5.7.3.4", // emailProtection
    };

    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serverAuth"] = "1.3.6.1.5.5.7.3.1",
        ["clientAuth"] = "1.3.6.1.5.5.7.3.2",
        ["codeSigning"] = "1.3.6.1.5.5.7.3.3",
        ["emailProtection"] = "1.3.6.1.5.5.7.3.4",
        ["timeStamping"] = "1.3.6.1.5.5.7.3.8",
        ["ocspSigning"] = OcspSigning,
        ["anyExtendedKeyUsage"] = "2.5.29.37.0",
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
