using System.Formats.Asn1;

namespace Gateway.Ca;

/// <summary>DER AlgorithmIdentifiers for the signature algorithms the CA makes (RFC 5758 / RFC 4055).</summary>
internal static class AlgorithmIdentifiers
{
    public const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384Oid = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512Oid = "1.2.840.10045.4.3.4";
    public const string Sha256WithRsaOid = "1.2.840.113549.1.1.11";
    public const string Sha384WithRsaOid = "1.2.840.113549.1.1.12";

    // ECDSA: parameters MUST be absent (RFC 5758 §3.2). RSA PKCS#1 v1.5: parameters MUST be NULL (RFC 4055 §5).
    public static byte[] EcdsaWithSha256 => Encode(EcdsaWithSha256Oid, nullParameters: false);
    public static byte[] EcdsaWithSha384 => Encode(EcdsaWithSha384Oid, nullParameters: false);
    public static byte[] EcdsaWithSha512 => Encode(EcdsaWithSha512Oid, nullParameters: false);
    public static byte[] Sha256WithRsa => Encode(Sha256WithRsaOid, nullParameters: true);
    public static byte[] Sha384WithRsa => Encode(Sha384WithRsaOid, nullParameters: true);

    private static byte[] Encode(string oid, bool nullParameters)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (nullParameters)
            {
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }
}
