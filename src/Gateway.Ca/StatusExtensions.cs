using System.Formats.Asn1;

namespace Gateway.Ca;

/// <summary>
/// The cRLDistributionPoints and authorityInfoAccess Extensions of one issuer under one base URL, encoded once and
/// written verbatim into every certificate the issuer signs.
/// </summary>
internal sealed class StatusExtensions
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    public StatusExtensions(string baseUrl, IssuerUrls urls)
    {
        BaseUrl = baseUrl;
        Urls = urls;
        CrlDistributionPoints = EncodeCrlDistributionPoints(urls.CrlUrl);
        AuthorityInfoAccess = EncodeAuthorityInfoAccess(urls.OcspUrl, urls.CaIssuersUrl);
    }

    public string BaseUrl { get; }

    public IssuerUrls Urls { get; }

    /// <summary>The complete Extension: one DistributionPoint with a fullName URI (RFC 5280 §4.2.1.13).</summary>
    public byte[] CrlDistributionPoints { get; }

    /// <summary>The complete Extension: id-ad-ocsp and id-ad-caIssuers URIs (RFC 5280 §4.2.2.1).</summary>
    public byte[] AuthorityInfoAccess { get; }

    private static byte[] EncodeCrlDistributionPoints(string crlUrl)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.CrlDistributionPoints);
            using (writer.PushOctetString())
            using (writer.PushSequence()) // CRLDistributionPoints
            using (writer.PushSequence()) // DistributionPoint
            using (writer.PushSequence(Context0)) // distributionPoint [0] (explicit: a CHOICE)
            using (writer.PushSequence(Context0)) // fullName [0] GeneralNames (implicit)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, crlUrl, UriTag);
            }
        }

        return writer.Encode();
    }

    private static byte[] EncodeAuthorityInfoAccess(string ocspUrl, string caIssuersUrl)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.AuthorityInfoAccess);
            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.Ocsp);
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, ocspUrl, UriTag);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.CaIssuers);
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, caIssuersUrl, UriTag);
                }
            }
        }

        return writer.Encode();
    }
}
