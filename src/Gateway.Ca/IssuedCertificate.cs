namespace Gateway.Ca;

/// <summary>A certificate the CA has signed.</summary>
/// <param name="Serial">Lowercase hex of the serial number's DER INTEGER content, no separators, no leading 00.</param>
/// <param name="Der">The certificate.</param>
/// <param name="ChainDer">The issuing CA first, then up to the root (shared with the issuer; do not modify).</param>
/// <param name="Subject">The subject as text (RFC 4514-ish, as .NET formats it); empty for an empty subject.</param>
/// <param name="Issuer">The issuer's subject as text.</param>
/// <param name="NotBefore">Validity start as encoded (seconds precision, clipped to the issuer's).</param>
/// <param name="NotAfter">Validity end as encoded (seconds precision, clipped to the issuer's).</param>
/// <param name="Sha256Fingerprint">Lowercase hex SHA-256 of <paramref name="Der"/>.</param>
/// <param name="CutFromNotAfter">The notAfter the template asked for when the issuing CA's own notAfter cut it short; null when not cut.</param>
/// <param name="IssuerId">The id of the issuing CA generation that signed it (<c>default</c>, <c>default-g2</c>, ...): what its
/// events record, so its CRL and OCSP answers come from that generation.</param>
public sealed record IssuedCertificate(
    string Serial,
    byte[] Der,
    IReadOnlyList<byte[]> ChainDer,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Sha256Fingerprint,
    DateTimeOffset? CutFromNotAfter = null,
    string IssuerId = "");
