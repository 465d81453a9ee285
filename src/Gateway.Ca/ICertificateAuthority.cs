using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>
/// The gateway's certificate authority: the only holder of CA keys. It signs already approved templates and decides
/// nothing but the serial number and the clipping of the validity to the issuer's own.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>
    /// The id of the issuer that signs when a template names none: the current generation of <c>default</c>
    /// (<c>default</c> itself until the first rollover, then <c>default-g2</c>, ...).
    /// </summary>
    string DefaultIssuerId { get; }

    /// <summary>
    /// The issuer generation with exactly this id (null or empty: <c>default</c>, the first generation): for a CRL, an
    /// OCSP answer or the chain of a certificate it signed.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    IssuingCa GetIssuer(string issuerId);

    /// <summary>
    /// The generation that signs for <paramref name="issuerId"/> now: the current generation of the logical issuer a
    /// profile names (or of the logical issuer of a generation's id). <see cref="Issue"/> signs with it.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    IssuingCa GetCurrentIssuer(string issuerId);

    /// <summary>Every generation still served (the current ones and earlier ones whose certificates may still be valid).</summary>
    IReadOnlyCollection<IssuingCa> Issuers { get; }

    /// <summary>The current generation of each logical issuer.</summary>
    IReadOnlyCollection<IssuingCa> CurrentIssuers { get; }

    /// <summary>Whether <see cref="RollOver"/> can issue a successor here (material managed in the CA directory with its root key).</summary>
    bool CanRollOver { get; }

    /// <summary>Issues the next generation of <paramref name="issuerId"/> (new key, signed by the root) and makes it current.</summary>
    /// <exception cref="CaConfigurationException">No root key, or material not managed by the gateway.</exception>
    IssuingCa RollOver(string issuerId);

    /// <summary>Loads generations another node added to the shared CA directory; true when the set changed.</summary>
    bool Refresh();

    /// <summary>Raised after the set of generations changed (a rollover here or seen from another node).</summary>
    event Action? IssuersChanged;

    /// <summary>DER of the root certificate the issuers chain to.</summary>
    byte[] RootCertificateDer { get; }

    /// <summary>
    /// Signs <paramref name="template"/> with the current generation of the issuer it names (empty: the default issuer);
    /// <see cref="IssuedCertificate.IssuerId"/> says which generation. Synchronous and thread-safe.
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
