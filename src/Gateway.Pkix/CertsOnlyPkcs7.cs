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
    public static byte[] Encode(IEnumerable<byte[]> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var list = certificates as IReadOnlyCollection<byte[]> ?? [.. certificates];
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 2048);
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

                using (writer.PushSetOf())
                {
                }
            }
        }

        return writer.Encode();
    }
}
