using Gateway.Contracts;

namespace Gateway.Ca;

/// <summary>One revoked certificate on a CRL (RFC 5280 §5.3): serial, revocation date, reason, invalidity date.</summary>
/// <param name="SerialNumber">The serial as the contents of its DER INTEGER (e.g. <c>Convert.FromHexString</c> of the stored serial).</param>
/// <param name="Reason"><see cref="RevocationReason.Unspecified"/> writes no reasonCode (RFC 5280 §5.3.1 SHOULD).</param>
public sealed record CrlEntry(byte[] SerialNumber, DateTimeOffset RevokedAt, RevocationReason Reason, DateTimeOffset? InvalidityDate = null);
