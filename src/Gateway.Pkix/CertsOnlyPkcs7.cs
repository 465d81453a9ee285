using System.Formats.Asn1;

namespace Gateway.Pkix;

/// <summary>
/// The degenerate "certs-only" CMS SignedData (RFC 5652 §5 with no signers; RFC 7030 §4.1.3 /cacerts and enrollment
/// answers, RFC 8894 §3.4 SCEP GetCACert and CertRep): version 1, no digest algorithms, id-data without content, the
/// certificates, no signerInfos. The one implementation: EST uses it, SCEP's GetCACert and any CA-chain endpoint should.
/// </summary>
public static class CertsOnlyPkcs7
{
    private static readonly Asn1Tag ContextTag0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>
    /// DER of a certs-only SignedData ContentInfo holding <paramref name="certificates"/> (a DER SET OF: sorted by encoding). Written with
    /// <see cref="AsnWriter"/>: this runs once per enrollment, and BouncyCastle's generator would parse every certificate
    /// into objects only to write the same bytes back. Each certificate must be one DER value; one that is not throws
    /// <see cref="ArgumentException"/>.
    /// </summary>
    /// <param name="crls">CRLs to carry in the <c>crls [1]</c> field (SCEP GetCRL), none by default.</param>
    /// <param name="keepOrder">
    /// Keep the certificates in the order given instead of DER's sorted SET OF (then the encoding is BER with definite
    /// lengths): SCEP clients take the first certificate of GetCACert as the RA's and the first of a CertRep as the issued one.
    /// </param>
    public static byte[] Encode(IEnumerable<byte[]> certificates, IEnumerable<byte[]>? crls = null, bool keepOrder = false)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var list = certificates as IReadOnlyCollection<byte[]> ?? [.. certificates];
        var crlList = crls?.ToList() ?? [];
        var writer = new AsnWriter(keepOrder ? AsnEncodingRules.BER : AsnEncodingRules.DER, initialCapacity: 2048);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.SignedData);
            using (writer.PushSequence(ContextTag0))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.Data);
                }

                // certificates [0] IMPLICIT CertificateSet OPTIONAL: absent, not empty, when there are none.
                if (list.Count > 0)
                {
                    using (writer.PushSetOf(ContextTag0))
                    {
                        foreach (var certificate in list)
                        {
                            writer.WriteEncodedValue(certificate ?? throw new ArgumentException("A certificate is null.", nameof(certificates)));
                        }
                    }
                }

                if (crlList.Count > 0)
                {
                    using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    {
                        foreach (var crl in crlList) writer.WriteEncodedValue(crl);
                    }
                }

                using (writer.PushSetOf())
                {
                }
            }
        }

        return writer.Encode();
    }
}
