using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Contracts;

/// <summary>
/// Names of the <see cref="Requester.Claims"/> front-ends and grains fill, and the profile template variables that read
/// them (<c>{clientCert.cn}</c>, <c>{clientCert.serialNumber}</c>, <c>{credential.subject}</c>).
/// </summary>
public static class RequesterClaims
{
    /// <summary>The last CN of the TLS client certificate's subject.</summary>
    public const string ClientCertificateCommonName = "clientCert.cn";

    /// <summary>The serialNumber attribute (2.5.4.5) of the TLS client certificate's subject, not the certificate's serial.</summary>
    public const string ClientCertificateSerialNumber = "clientCert.serialNumber";

    /// <summary>The subject a credential binds, when it binds exactly one.</summary>
    public const string CredentialSubject = "credential.subject";

    private const string CommonNameOid = "2.5.4.3";
    private const string SerialNumberOid = "2.5.4.5";

    /// <summary>
    /// The claims of a TLS client certificate: the last CN and the last serialNumber attribute of its subject, read
    /// from every attribute of every RDN (multi-valued ones included); attributes that are not strings are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FromClientCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var rdns = new AsnReader(certificate.SubjectName.RawData, AsnEncodingRules.DER).ReadSequence();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf(skipSortOrderValidation: true);
                while (set.HasData)
                {
                    var atv = set.ReadSequence();
                    var oid = atv.ReadObjectIdentifier();
                    var tag = atv.PeekTag();
                    var name = oid switch { CommonNameOid => ClientCertificateCommonName, SerialNumberOid => ClientCertificateSerialNumber, _ => null };
                    if (name is not null && tag.TagClass == TagClass.Universal && IsString((UniversalTagNumber)tag.TagValue))
                    {
                        claims[name] = atv.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            // A subject that does not decode gives no claims; bindings on them then refuse the request.
        }

        return claims;
    }

    private static bool IsString(UniversalTagNumber number) =>
        number is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
            or UniversalTagNumber.BMPString or UniversalTagNumber.T61String or UniversalTagNumber.VisibleString
            or UniversalTagNumber.NumericString or UniversalTagNumber.UniversalString;
}
