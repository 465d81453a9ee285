namespace Gateway.Pkix;

/// <summary>extendedKeyUsage purposes by their RFC 5280 §4.2.1.12 names, and back.</summary>
public static class ExtendedKeyUsages
{
    private static readonly (string Oid, string Name)[] Purposes =
    [
        (Oids.ServerAuth, "serverAuth"),
        (Oids.ClientAuth, "clientAuth"),
        (Oids.CodeSigning, "codeSigning"),
        (Oids.EmailProtection, "emailProtection"),
        (Oids.TimeStamping, "timeStamping"),
        (Oids.OcspSigning, "ocspSigning"),
        (Oids.AnyExtendedKeyUsage, "anyExtendedKeyUsage"),
    ];

    private static readonly Dictionary<string, string> OidByName = Purposes.ToDictionary(p => p.Name, p => p.Oid, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> NameByOid = Purposes.ToDictionary(p => p.Oid, p => p.Name, StringComparer.Ordinal);

    /// <summary>The purposes this table names, as a list for messages.</summary>
    public static string KnownNames { get; } = string.Join(", ", Purposes.Select(p => p.Name));

    /// <summary>A purpose by name (case-insensitive) or as a dotted OID.</summary>
    public static bool TryGetOid(string nameOrOid, out string oid)
    {
        if (OidByName.TryGetValue(nameOrOid, out var found))
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

    /// <summary>The purpose's name, or the OID itself for one this table does not name.</summary>
    public static string Name(string oid) => NameByOid.GetValueOrDefault(oid, oid);
}
