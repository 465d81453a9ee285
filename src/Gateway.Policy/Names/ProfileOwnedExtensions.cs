using Gateway.Pkix;

namespace Gateway.Policy.Names;

/// <summary>Which extensions the profile or the CA decides (profile vocabulary over <see cref="Oids"/>).</summary>
internal static class ProfileOwnedExtensions
{
    /// <summary>Extensions the profile or the CA decides; a request may never have them copied.</summary>
    public static readonly IReadOnlySet<string> CaControlled = new HashSet<string>(StringComparer.Ordinal)
    {
        Oids.SubjectAltName, Oids.KeyUsage, Oids.ExtendedKeyUsage, Oids.BasicConstraints, Oids.SubjectKeyIdentifier, Oids.AuthorityKeyIdentifier,
        Oids.CrlDistributionPoints, Oids.CertificatePolicies, Oids.NameConstraints, Oids.PolicyConstraints, Oids.InhibitAnyPolicy, Oids.AuthorityInfoAccess,
    };

    /// <summary>Requested extensions the profile always overrides (SAN is policed by san rules; KU/EKU/basicConstraints come from the profile).</summary>
    public static bool IsProfileOwned(string oid) =>
        oid is Oids.SubjectAltName or Oids.KeyUsage or Oids.ExtendedKeyUsage or Oids.BasicConstraints;
}
