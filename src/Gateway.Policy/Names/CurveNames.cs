using Gateway.Pkix;

namespace Gateway.Policy.Names;

/// <summary>The named curves a profile may allow (over <see cref="NamedCurves"/>), and how a key's curve is shown.</summary>
internal static class CurveNames
{
    public const string P256Oid = Oids.Secp256r1;
    public const string P384Oid = Oids.Secp384r1;
    public const string P521Oid = Oids.Secp521r1;

    public const string Known = "P-256, P-384, P-521";

    /// <summary>A curve a profile may allow (NIST P-256/384/521 and their aliases) → its OID.</summary>
    public static bool TryGetAllowableOid(string name, out string oid) =>
        NamedCurves.TryGetOid(name, out oid) && oid is P256Oid or P384Oid or P521Oid;

    public static string Display(string? oid) => oid is null ? "unknown (explicit parameters)" : NamedCurves.NameOf(oid) ?? oid;
}
