namespace Gateway.Pkix;

/// <summary>Named elliptic curves: their names (with the SEC 2, ANSI X9.62 and .NET aliases) and OIDs.</summary>
public static class NamedCurves
{
    public const string P256 = "P-256";
    public const string P384 = "P-384";
    public const string P521 = "P-521";

    private static readonly Dictionary<string, string> OidByName = new(StringComparer.OrdinalIgnoreCase)
    {
        [P256] = Oids.Secp256r1, ["secp256r1"] = Oids.Secp256r1, ["prime256v1"] = Oids.Secp256r1, ["nistP256"] = Oids.Secp256r1,
        [P384] = Oids.Secp384r1, ["secp384r1"] = Oids.Secp384r1, ["nistP384"] = Oids.Secp384r1,
        [P521] = Oids.Secp521r1, ["secp521r1"] = Oids.Secp521r1, ["nistP521"] = Oids.Secp521r1,
    };

    private static readonly Dictionary<string, string> NameByOid = new(StringComparer.Ordinal)
    {
        [Oids.Secp256r1] = P256,
        [Oids.Secp384r1] = P384,
        [Oids.Secp521r1] = P521,
        ["1.2.840.10045.3.1.1"] = "P-192",
        ["1.3.132.0.33"] = "P-224",
        ["1.3.132.0.10"] = "secp256k1",
        ["1.3.36.3.3.2.8.1.1.7"] = "brainpoolP256r1",
        ["1.3.36.3.3.2.8.1.1.11"] = "brainpoolP384r1",
        ["1.3.36.3.3.2.8.1.1.13"] = "brainpoolP512r1",
    };

    /// <summary>The OID of a NIST prime curve by any of its names (case-insensitive): P-256, secp256r1, prime256v1, nistP256, …</summary>
    public static bool TryGetOid(string? name, out string oid)
    {
        if (name is not null && OidByName.TryGetValue(name, out var found))
        {
            oid = found;
            return true;
        }

        oid = string.Empty;
        return false;
    }

    /// <summary>The display name of a curve OID (P-256, brainpoolP256r1, …), or null for one this table does not name.</summary>
    public static string? NameOf(string oid) => NameByOid.GetValueOrDefault(oid);
}
