using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>
/// The gateway's certificate authority: the only holder of CA keys. It signs already approved templates and decides
/// nothing but the serial number and the clipping of the validity to the issuer's own.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>The id of the issuer used when a template names none: <c>"default"</c>.</summary>
    string DefaultIssuerId { get; }

    /// <summary>Returns the issuer with this id (null or empty: the default issuer).</summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    IssuingCa GetIssuer(string issuerId);

    IReadOnlyCollection<IssuingCa> Issuers { get; }

    /// <summary>DER of the root certificate the issuers chain to.</summary>
    byte[] RootCertificateDer { get; }

    /// <summary>
    /// Signs <paramref name="template"/> with the issuer it names (empty: the default issuer). Synchronous and thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The template is malformed (SPKI, subject, names, OIDs, extensions, validity).</exception>
    /// <exception cref="KeyNotFoundException">The template names an unknown issuer.</exception>
    /// <exception cref="InvalidOperationException">The issuer has expired.</exception>
    IssuedCertificate Issue(CertificateTemplate template);

    /// <summary>
    /// The CRL, OCSP and caIssuers URLs <see cref="Issue"/> writes into the issuer's certificates now; null while no
    /// public base URL is known (then certificates carry none).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    IssuerUrls? GetIssuerUrls(string issuerId);

    /// <summary>
    /// Signs a full RFC 5280 v2 CRL of issuer <paramref name="issuerId"/> (DER) with cRLNumber
    /// <paramref name="crlNumber"/>, authorityKeyIdentifier, and the given entries.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    /// <exception cref="ArgumentException">An entry is malformed, or nextUpdate is not after thisUpdate.</exception>
    byte[] SignCrl(string issuerId, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IEnumerable<CrlEntry> entries);
}
