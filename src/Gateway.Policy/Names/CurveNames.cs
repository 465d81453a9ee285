using Gateway.Pkix;

namespace Gateway.Policy.Names;

/// <summary>Named elliptic curves: the names profiles may use and the OIDs found in SubjectPublicKeyInfo.</summary>
internal static class CurveNames
{
    public const string P256Oid = Oids.Secp256r1;
    public const string P384Oid = Oids.Secp384r1;
    public const string P521Oid = Oids.Secp521r1;

    private static readonly Dictionary<string, string> AllowedByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["P-256"] = P256Oid, ["secp256r1"] = P256Oid, ["prime256v1"] = P256Oid, ["nistP256"] = P256Oid,
        ["P-384"] = P384Oid, ["secp384r1"] = P384Oid, ["nistP384"] = P384Oid,
        ["P-521"] = P521Oid, ["secp521r1"] = P521Oid, ["nistP521"] = P521Oid,
    };

    private static readonly Dictionary<string, string> DisplayByOid = new(StringComparer.Ordinal)
    {
        [P256Oid] = "P-256",
        [P384Oid] = "P-384",
        [P521Oid] = "P-521",
        ["1.2.840.10045.3.1.1"] = "P-192",
        ["1.3.132.0.33"] = "P-224",
        ["1.3.132.0.10"] = "secp256k1",
        ["1.3.36.3.3.2.8.1.1.7"] = "brainpoolP256r1",
        ["1.3.36.3.3.2.8.1.1.11"] = "brainpoolP384r1",
        ["1.3.36.3.3.2.8.1.1.13"] = "brainpoolP512r1",
    };

    public const string Known = "P-256, P-384, P-521";

    /// <summary>A curve a profile may allow (NIST P-256/384/521 and their aliases) → its OID.</summary>
    public static bool TryGetAllowableOid(string name, out string oid)
    {
        if (AllowedByName.TryGetValue(name, out var found))
        {
            oid = found;
            return true;
        }

        oid = string.Empty;
        return false;
    }

    public static string Display(string? oid) => oid is null ? "unknown (explicit parameters)" : DisplayByOid.TryGetValue(oid, out var name) ? name : oid;
}
