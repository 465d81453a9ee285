namespace Gateway.Policy.Names;

/// <summary>extendedKeyUsage purpose names as written in profiles (or a dotted OID).</summary>
internal static class ExtendedKeyUsageNames
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serverAuth"] = "1.3.6.1.5.5.7.3.1",
        ["clientAuth"] = "1.3.6.1.5.5.7.3.2",
        ["codeSigning"] = "1.3.6.1.5.5.7.3.3",
        ["emailProtection"] = "1.3.6.1.5.5.7.3.4",
        ["timeStamping"] = "1.3.6.1.5.5.7.3.8",
        ["ocspSigning"] = "1.3.6.1.5.5.7.3.9",
    };

    public const string Known = "serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning, or a dotted OID";

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
