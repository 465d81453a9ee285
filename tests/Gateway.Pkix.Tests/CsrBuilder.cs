using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Pkix.Tests;

/// <summary>
/// Assembles PKCS#10 requests part by part (with <see cref="AsnWriter"/>) so tests can put exactly one defect into an
/// otherwise valid, correctly signed request.
/// </summary>
internal sealed class CsrBuilder
{
    public const string ExtensionRequestOid = "1.2.840.113549.1.9.14";
    public const string ChallengePasswordOid = "1.2.840.113549.1.9.7";
    public const string SubjectAltNameOid = "2.5.29.17";
    public const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";

    public int Version { get; set; }

    public byte[] Subject { get; set; } = new X500DistinguishedName("CN=builder.example.test").RawData;

    /// <summary>The SubjectPublicKeyInfo to put in; the signing key's own when null.</summary>
    public byte[]? SubjectPublicKeyInfo { get; set; }

    /// <summary>Encoded Attribute SEQUENCEs.</summary>
    public List<byte[]> Attributes { get; } = [];

    public bool OmitAttributes { get; set; }

    /// <summary>When false, attributes are written in the given order (BER), which breaks DER's SET OF ordering.</summary>
    public bool SortAttributes { get; set; } = true;

    /// <summary>The encoded signatureAlgorithm; ecdsa-with-SHA256 when null.</summary>
    public byte[]? SignatureAlgorithm { get; set; }

    public int SignatureUnusedBits { get; set; }

    public byte[] Build(ECDsa key) =>
        Build(key.ExportSubjectPublicKeyInfo(), tbs => key.SignData(tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public byte[] Build(byte[] defaultSpki, Func<byte[], byte[]> sign)
    {
        var tbs = EncodeInfo(SubjectPublicKeyInfo ?? defaultSpki);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            writer.WriteEncodedValue(SignatureAlgorithm ?? AlgorithmIdentifier(EcdsaWithSha256Oid));
            writer.WriteBitString(sign(tbs), SignatureUnusedBits);
        }

        return writer.Encode();
    }

    private byte[] EncodeInfo(byte[] spki)
    {
        var writer = new AsnWriter(SortAttributes ? AsnEncodingRules.DER : AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(Version);
            writer.WriteEncodedValue(Subject);
            writer.WriteEncodedValue(spki);
            if (!OmitAttributes)
            {
                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    foreach (var attribute in Attributes)
                    {
                        writer.WriteEncodedValue(attribute);
                    }
                }
            }
        }

        return writer.Encode();
    }

    public static byte[] AlgorithmIdentifier(string oid, byte[]? parameters = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (parameters is not null)
            {
                writer.WriteEncodedValue(parameters);
            }
        }

        return writer.Encode();
    }

    public static byte[] Attribute(string oid, params byte[][] values)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSetOf())
            {
                foreach (var value in values)
                {
                    writer.WriteEncodedValue(value);
                }
            }
        }

        return writer.Encode();
    }

    public static byte[] ExtensionRequest(params byte[][] extensions) => Attribute(ExtensionRequestOid, Extensions(extensions));

    public static byte[] Extensions(params byte[][] extensions)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var extension in extensions)
            {
                writer.WriteEncodedValue(extension);
            }
        }

        return writer.Encode();
    }

    public static byte[] Extension(string oid, byte[] value, bool critical = false, bool writeExplicitFalse = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (critical || writeExplicitFalse)
            {
                writer.WriteBoolean(critical);
            }

            writer.WriteOctetString(value);
        }

        return writer.Encode();
    }

    public static byte[] ChallengePassword(UniversalTagNumber type, string password) =>
        Attribute(ChallengePasswordOid, TestCsrs.EncodeString(type, password));

    public static byte[] Spki(byte[] algorithmIdentifier, byte[] publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(algorithmIdentifier);
            writer.WriteBitString(publicKey);
        }

        return writer.Encode();
    }

    public static byte[] Oid(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }

    public static byte[] Null => [0x05, 0x00];
}
