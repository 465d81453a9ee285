using System.Security.Cryptography;
using Gateway.Contracts;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Gateway.Ca;

/// <summary>
/// Builds and signs RFC 5280 v2 CRLs with BouncyCastle's generator over the issuer's <see cref="ISigner"/>:
/// issuer name as in the CA certificate, thisUpdate / nextUpdate, cRLNumber, authorityKeyIdentifier, and per entry
/// reasonCode and invalidityDate when known.
/// (System.Security.Cryptography's CertificateRevocationListBuilder cannot write invalidityDate.)
/// </summary>
internal static class CrlSigner
{
    public static byte[] Sign(IssuingCa issuer, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IEnumerable<CrlEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(crlNumber);
        if (nextUpdate <= thisUpdate)
        {
            throw new ArgumentException($"nextUpdate {nextUpdate:O} is not after thisUpdate {thisUpdate:O}.", nameof(nextUpdate));
        }

        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(X509Name.GetInstance(Asn1Object.FromByteArray(issuer.NameDer)));
        generator.SetThisUpdate(WholeSeconds(thisUpdate));
        generator.SetNextUpdate(WholeSeconds(nextUpdate));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuer.KeyIdentifier));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(crlNumber)));

        foreach (CrlEntry entry in entries)
        {
            if (entry.SerialNumber is not { Length: > 0 })
            {
                throw new ArgumentException("A CRL entry has no serial number.", nameof(entries));
            }

            if (entry.Reason == RevocationReason.RemoveFromCrl)
            {
                throw new ArgumentException("removeFromCRL belongs in delta CRLs; a released certificate is left off a full CRL.", nameof(entries));
            }

            var serial = new BigInteger(entry.SerialNumber);
            int reason = (int)entry.Reason; // 0 (unspecified) writes no reasonCode extension
            if (entry.InvalidityDate is { } invalidity)
            {
                generator.AddCrlEntry(serial, WholeSeconds(entry.RevokedAt), reason, WholeSeconds(invalidity));
            }
            else
            {
                generator.AddCrlEntry(serial, WholeSeconds(entry.RevokedAt), reason);
            }
        }

        try
        {
            return generator.Generate(new SignerSignatureFactory(issuer.Signer)).GetEncoded();
        }
        catch (Exception ex) when (ex is not CryptographicException)
        {
            throw new CryptographicException($"Building the CRL of '{issuer.Id}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>UTC, whole seconds: RFC 5280 times have no fractions.</summary>
    private static DateTime WholeSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
