using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gateway.Contracts;

/// <summary>
/// What makes two requests under one transaction id the same request: the requester and the SHA-256 of what they
/// asked for (the CSR's DER, or a canonical DER encoding of the key and template). Lowercase hex SHA-256 over
/// <c>method "\n" principal "\n" kind "\n" SHA-256(payload)</c>, kind <c>csr</c> or <c>template</c>.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(EnrollmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Csr is { } csr) return Of(request.Requester, "csr", SHA256.HashData(csr));
        if (request.Template is { } template) return Of(request.Requester, "template", SHA256.HashData(Canonical(template)));
        return Of(request.Requester, "none", SHA256.HashData([]));
    }

    /// <summary>The fingerprint of a CSR request by <paramref name="requester"/> (for requests recorded before fingerprints were).</summary>
    public static string OfCsr(Requester requester, byte[] csrDer) => Of(requester, "csr", SHA256.HashData(csrDer));

    private static string Of(Requester requester, string kind, byte[] payloadSha256)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes($"{requester.AuthenticationMethod}\n{requester.Principal}\n{kind}\n");
        var buffer = new byte[prefix.Length + payloadSha256.Length];
        prefix.CopyTo(buffer, 0);
        payloadSha256.CopyTo(buffer, prefix.Length);
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }

    /// <summary>
    /// SEQUENCE { spki OCTET STRING, subject OCTET STRING (absent: empty), sans SEQUENCE OF UTF8String,
    /// extensions SEQUENCE OF SEQUENCE { oid UTF8String, critical BOOLEAN, value OCTET STRING } }, in the order given
    /// (order is part of what was asked for: the certificate carries names and extensions in that order).
    /// </summary>
    internal static byte[] Canonical(RequestedTemplate template)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(template.SubjectPublicKeyInfo);
            writer.WriteOctetString(template.Subject ?? []);
            using (writer.PushSequence())
            {
                foreach (var san in template.SubjectAltNames) writer.WriteCharacterString(UniversalTagNumber.UTF8String, san.ToString());
            }
            using (writer.PushSequence())
            {
                foreach (var extension in template.Extensions)
                {
                    using (writer.PushSequence())
                    {
                        // The OID as text: a malformed one must still give a fingerprint (the grain refuses the request, and records it).
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, extension.Oid);
                        writer.WriteBoolean(extension.Critical);
                        writer.WriteOctetString(extension.Value);
                    }
                }
            }
        }
        return writer.Encode();
    }
}
