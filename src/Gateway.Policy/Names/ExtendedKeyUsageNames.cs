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

    public const string Known = "serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning, anyExtendedKeyUsage, or a dotted OID";

    /// <summary>
    /// Whether a profile may grant <paramref name="oid"/> only when the operator allows it: everything but serverAuth,
    /// clientAuth and emailProtection (codeSigning, timeStamping, anyExtendedKeyUsage, ocspSigning, any other OID).
    /// </summary>
    public static bool IsSensitive(string oid) => !Ordinary.Contains(oid);

    /// <summary>A purpose by name or as a dotted OID (<see cref="ExtendedKeyUsages"/>).</summary>
    public static bool TryGetOid(string nameOrOid, out string oid) => ExtendedKeyUsages.TryGetOid(nameOrOid, out oid);
}
