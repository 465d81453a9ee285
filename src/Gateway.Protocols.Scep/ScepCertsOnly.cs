using System.Formats.Asn1;

namespace Gateway.Protocols.Scep;

/// <summary>
/// A degenerate certificates-only SignedData (RFC 8894 §3.4, RFC 5652 §5): certificates and CRLs, no signers. The
/// certificates keep the order given (the RA certificate first in GetCACert, the issued certificate first in CertRep:
/// clients take the first one), so the SET OF is written unsorted (BER with definite lengths).
/// </summary>
internal static class ScepCertsOnly
{
    public static byte[] Encode(IEnumerable<byte[]> certificates, IEnumerable<byte[]>? crls = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER, initialCapacity: 4096);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(ScepOids.SignedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                }
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(ScepOids.Data);
                }
                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    foreach (var certificate in certificates) writer.WriteEncodedValue(certificate);
                }
                var crlList = crls?.ToList();
                if (crlList is { Count: > 0 })
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
