namespace Gateway.Pkix;

/// <summary>
/// Distinguished-name attribute types by name (RFC 4514 §3 and RFC 4519 short names first, then long names) and their
/// OIDs: what profiles and subject templates write, and how names are displayed.
/// </summary>
public static class SubjectAttributes
{
    public const string CommonName = Oids.CommonName;
    public const string Country = Oids.Country;
    public const string EmailAddress = Oids.EmailAddress;
    public const string DomainComponent = Oids.DomainComponent;

    // First name of each OID is its display name.
    private static readonly (string Oid, string[] Names)[] Table =
    [
        (CommonName, ["CN", "commonName"]),
        ("2.5.4.4", ["SN", "surname"]),
        ("2.5.4.5", ["SERIALNUMBER", "serialNumber"]),
        (Country, ["C", "countryName"]),
        ("2.5.4.7", ["L", "localityName"]),
        ("2.5.4.8", ["ST", "S", "stateOrProvinceName"]),
        ("2.5.4.9", ["STREET", "streetAddress"]),
        ("2.5.4.10", ["O", "organizationName"]),
        ("2.5.4.11", ["OU", "organizationalUnitName"]),
        ("2.5.4.12", ["T", "title"]),
        ("2.5.4.17", ["postalCode"]),
        ("2.5.4.42", ["GN", "G", "givenName"]),
        ("2.5.4.43", ["initials"]),
        ("2.5.4.44", ["generationQualifier"]),
        ("2.5.4.46", ["dnQualifier"]),
        ("2.5.4.65", ["pseudonym"]),
        ("2.5.4.97", ["organizationIdentifier"]),
        (EmailAddress, ["E", "emailAddress"]),
        (DomainComponent, ["DC", "domainComponent"]),
        ("0.9.2342.19200300.100.1.1", ["UID", "userId"]),
    ];

    private static readonly Dictionary<string, string> ByName = BuildByName();
    private static readonly Dictionary<string, string> DisplayByOid = Table.ToDictionary(t => t.Oid, t => t.Names[0], StringComparer.Ordinal);

    /// <summary>A name from the table (case-insensitive) or a dotted OID.</summary>
    public static bool TryGetOid(string name, out string oid)
    {
        if (ByName.TryGetValue(name, out var found))
        {
            oid = found;
            return true;
        }

        if (Oids.IsValid(name))
        {
            oid = name;
            return true;
        }

        oid = string.Empty;
        return false;
    }

    public static string Display(string oid) => DisplayByOid.TryGetValue(oid, out var name) ? name : oid;

    public static string KnownNames => string.Join(", ", Table.Select(t => t.Names[0]));

    private static Dictionary<string, string> BuildByName()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (oid, names) in Table)
        {
            foreach (var name in names)
            {
                map[name] = oid;
            }
        }

        return map;
    }
}
