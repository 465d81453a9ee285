namespace Gateway.Policy.Names;

/// <summary>Well-known OIDs and OID syntax.</summary>
internal static class Oids
{
    public const string SubjectAltName = "2.5.29.17";
    public const string KeyUsage = "2.5.29.15";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string BasicConstraints = "2.5.29.19";
    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string CrlDistributionPoints = "2.5.29.31";
    public const string CertificatePolicies = "2.5.29.32";
    public const string NameConstraints = "2.5.29.30";
    public const string PolicyConstraints = "2.5.29.36";
    public const string InhibitAnyPolicy = "2.5.29.54";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";

    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string RsaPss = "1.2.840.113549.1.1.10";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";

    /// <summary>Extensions the profile or the CA decides; a request may never have them copied.</summary>
    public static readonly IReadOnlySet<string> CaControlled = new HashSet<string>(StringComparer.Ordinal)
    {
        SubjectAltName, KeyUsage, ExtendedKeyUsage, BasicConstraints, SubjectKeyIdentifier, AuthorityKeyIdentifier,
        CrlDistributionPoints, CertificatePolicies, NameConstraints, PolicyConstraints, InhibitAnyPolicy, AuthorityInfoAccess,
    };

    /// <summary>Requested extensions the profile always overrides (SAN is policed by san rules; KU/EKU/basicConstraints come from the profile).</summary>
    public static bool IsProfileOwned(string oid) =>
        oid is SubjectAltName or KeyUsage or ExtendedKeyUsage or BasicConstraints;

    /// <summary>Dotted-decimal OID: at least two arcs, first 0-2, second below 40 when the first is 0 or 1, no leading zeros.</summary>
    public static bool IsValid(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var arcs = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    return false;
                }

                continue;
            }

            var arc = text.AsSpan(start, i - start);
            if (arc.Length == 0 || (arc.Length > 1 && arc[0] == '0'))
            {
                return false;
            }

            if (arcs == 0 && (arc.Length != 1 || arc[0] > '2'))
            {
                return false;
            }

            if (arcs == 1 && text[0] != '2' && (arc.Length > 2 || int.Parse(arc, System.Globalization.CultureInfo.InvariantCulture) > 39))
            {
                return false;
            }

            arcs++;
            start = i + 1;
        }

        return arcs >= 2;
    }
}
