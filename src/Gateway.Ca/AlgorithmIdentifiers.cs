using System.Formats.Asn1;

namespace Gateway.Ca;

/// <summary>DER AlgorithmIdentifiers for the signature algorithms the CA makes (RFC 5758 / RFC 4055).</summary>
internal static class AlgorithmIdentifiers
{
    public const string EcdsaWithSha256Oid = Oids.EcdsaWithSha256;
    public const string EcdsaWithSha384Oid = Oids.EcdsaWithSha384;
    public const string EcdsaWithSha512Oid = Oids.EcdsaWithSha512;
    public const string Sha256WithRsaOid = Oids.Sha256WithRsa;
    public const string Sha384WithRsaOid = Oids.Sha384WithRsa;

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
