using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Pkix.Csr;

namespace Gateway.Pkix.Tests;

/// <summary>Correctly signed requests with exactly one defect each: Parse refuses them with a precise message.</summary>
public sealed class Pkcs10RequestMalformedTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Parse_versionOne_throwsVersionMessage()
    {
        var der = new CsrBuilder { Version = 1 }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR version must be 0 (v1), found 1", ex.Message);
    }

    [Fact]
    public void Parse_hugeVersion_throwsVersionMessage()
    {
        var builder = new CsrBuilder { Version = int.MaxValue };
        var der = builder.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.StartsWith("CSR version must be 0 (v1)", ex.Message);
    }

    [Fact]
    public void Parse_duplicateExtension_throws()
    {
        var keyUsage = new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true).RawData;
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ExtensionRequest(
            CsrBuilder.Extension("2.5.29.15", keyUsage, critical: true),
            CsrBuilder.Extension("2.5.29.15", keyUsage)));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: extension 2.5.29.15 is requested more than once", ex.Message);
    }

    [Fact]
    public void Parse_duplicateAttribute_throws()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ChallengePassword(UniversalTagNumber.UTF8String, "one"));
        builder.Attributes.Add(CsrBuilder.ChallengePassword(UniversalTagNumber.UTF8String, "two"));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: attribute 1.2.840.113549.1.9.7 appears more than once", ex.Message);
    }

    [Fact]
    public void Parse_extensionRequestWithTwoValues_throws()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.Attribute(
            CsrBuilder.ExtensionRequestOid,
            CsrBuilder.Extensions(CsrBuilder.Extension("2.5.29.19", [0x30, 0x00])),
            CsrBuilder.Extensions(CsrBuilder.Extension("2.5.29.15", [0x03, 0x02, 0x07, 0x80]))));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: attribute extensionRequest must have exactly one value", ex.Message);
    }

    [Fact]
    public void Parse_attributeWithoutValues_throws()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.Attribute("1.2.840.113549.1.9.2"));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: attribute 1.2.840.113549.1.9.2 has no values", ex.Message);
    }

    [Fact]
    public void Parse_attributesOutOfDerOrder_throwsNotDer()
    {
        var attributes = new[]
        {
            CsrBuilder.ChallengePassword(UniversalTagNumber.UTF8String, "pw"),
            CsrBuilder.ExtensionRequest(CsrBuilder.Extension("2.5.29.19", [0x30, 0x00])),
        };
        Array.Sort(attributes, (a, b) => b.AsSpan().SequenceCompareTo(a)); // descending: the wrong order for DER
        var builder = new CsrBuilder { SortAttributes = false };
        builder.Attributes.AddRange(attributes);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.StartsWith("CSR is not DER:", ex.Message);
        Assert.EndsWith("(in attributes)", ex.Message);
    }

    [Fact]
    public void Parse_attributesAbsent_parsesAsEmpty()
    {
        var csr = Pkcs10Request.Parse(new CsrBuilder { OmitAttributes = true }.Build(_key));

        Assert.Empty(csr.RequestedExtensions);
        Assert.Null(csr.ChallengePassword);
        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void Parse_unknownAttribute_isSkipped()
    {
        var builder = new CsrBuilder();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, "10.0.19045.2");
        builder.Attributes.Add(CsrBuilder.Attribute("1.3.6.1.4.1.311.13.2.3", writer.Encode())); // Microsoft OS version

        var csr = Pkcs10Request.Parse(builder.Build(_key));

        Assert.True(csr.VerifySignature());
    }

    [Theory]
    [InlineData("3000", "CSR is malformed: subjectAltName must contain at least one name")]
    [InlineData("3003870101", "CSR is malformed: subjectAltName iPAddress must be 4 or 16 bytes, found 1")]
    [InlineData("300a8708c0000200ffffff00", "CSR is malformed: subjectAltName iPAddress must be 4 or 16 bytes, found 8")]
    [InlineData("30039f1f00", "CSR is malformed: subjectAltName entry [31] is not a GeneralName")]
    [InlineData("30030c0141", "CSR is malformed: subjectAltName entry UTF8String is not a GeneralName")]
    [InlineData("30028200", "CSR is malformed: subjectAltName dNSName is empty")]
    [InlineData("3002a000", "CSR is malformed: subjectAltName otherName type-id is missing")]
    [InlineData("0403820141", "CSR is malformed: subjectAltName must be SEQUENCE, found OCTET STRING")]
    [InlineData("3005820141", "CSR is not DER")] // inner length runs past the end
    [InlineData("30048202c3a9", "CSR is not DER")] // dNSName is not IA5
    [InlineData("3004a2020500", "CSR is not DER")] // dNSName encoded as constructed
    public void Parse_badSubjectAltName_throwsPreciseMessage(string sanHex, string expected)
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ExtensionRequest(CsrBuilder.Extension(CsrBuilder.SubjectAltNameOid, Convert.FromHexString(sanHex))));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Parse_extensionValueWithTrailingBytes_throws()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ExtensionRequest(CsrBuilder.Extension("2.5.29.19", [0x30, 0x00, 0x00])));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: trailing data after extension 2.5.29.19 extnValue", ex.Message);
    }

    [Fact]
    public void Parse_extensionWithExplicitFalseCriticality_acceptedAsNotCritical()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ExtensionRequest(CsrBuilder.Extension("2.5.29.19", [0x30, 0x00], writeExplicitFalse: true)));

        var csr = Pkcs10Request.Parse(builder.Build(_key));

        Assert.False(Assert.Single(csr.RequestedExtensions).Critical);
    }

    [Theory]
    [InlineData(UniversalTagNumber.IA5String, "pw", "CSR is malformed: challengePassword must be a DirectoryString, found IA5String")]
    [InlineData(UniversalTagNumber.UTF8String, "", "CSR is malformed: challengePassword must be 1 to 255 characters, found 0")]
    public void Parse_badChallengePassword_throws(UniversalTagNumber type, string password, string expected)
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ChallengePassword(type, password));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Parse_challengePasswordLongerThan255_throws()
    {
        var builder = new CsrBuilder();
        builder.Attributes.Add(CsrBuilder.ChallengePassword(UniversalTagNumber.UTF8String, new string('x', 256)));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));

        Assert.Equal("CSR is malformed: challengePassword must be 1 to 255 characters, found 256", ex.Message);
    }

    public static TheoryData<string, string, string> BadSpkis() => new()
    {
        // algorithm identifier hex, public key hex, expected message
        { Hex(CsrBuilder.AlgorithmIdentifier("1.2.840.10045.2.1")), "04" + new string('1', 128), "CSR public key: EC key must name its curve (parameters are missing)" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.2.840.10045.2.1", [0x30, 0x03, 0x02, 0x01, 0x01])), "04" + new string('1', 128), "CSR public key: EC key uses explicit curve parameters; a named curve is required" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.2.840.10045.2.1", CsrBuilder.Null)), "04" + new string('1', 128), "CSR public key: EC key uses implicitlyCA parameters; a named curve is required" },
        { Hex(P256AlgorithmIdentifier()), "02" + new string('1', 64), "CSR public key: EC point is compressed; only uncompressed points (0x04) are supported" },
        { Hex(P256AlgorithmIdentifier()), "04" + new string('1', 126), "CSR public key: an uncompressed P-256 point is 65 bytes, found 64" },
        { Hex(P256AlgorithmIdentifier()), "00", "CSR public key: EC point must start with 0x04 (uncompressed), found 0x00" },
        { Hex(P256AlgorithmIdentifier()), string.Empty, "CSR public key: EC point is empty" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.2.840.10045.2.1", CsrBuilder.Oid("1.3.132.0.10"))), "04" + new string('1', 62), "CSR public key: EC point of 32 bytes is not 0x04 followed by two equal-length coordinates" },
        { Hex(RsaAlgorithmIdentifier()), "3008020180020301" + "0001", "CSR public key: RSA modulus is negative" },
        { Hex(RsaAlgorithmIdentifier()), "300802010002030100" + "01", "CSR public key: RSA modulus is zero" },
        { Hex(RsaAlgorithmIdentifier()), "300602017f020102", "CSR public key: RSA public exponent must be odd and at least 3" },
        { Hex(RsaAlgorithmIdentifier()), "300602017f020101", "CSR public key: RSA public exponent must be odd and at least 3" },
        { Hex(RsaAlgorithmIdentifier()), "3003020101", "CSR is malformed: RSA public exponent is missing" },
        { Hex(RsaAlgorithmIdentifier()), "3008020101020101" + "0500", "CSR is malformed: unexpected NULL after the RSA public exponent" },
        { Hex(RsaAlgorithmIdentifier()), "04020000", "CSR is malformed: RSA public key must be SEQUENCE, found OCTET STRING" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.1", [0x02, 0x01, 0x00])), "300602017f020103", "CSR public key: rsaEncryption parameters must be NULL" },
        { Hex(RsaAlgorithmIdentifier()), "30070202007f020103", "CSR is not DER" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.3.101.112")), "0011", "CSR public key: an Ed25519 key is 32 bytes, found 2" },
        { Hex(CsrBuilder.AlgorithmIdentifier("1.3.101.112", CsrBuilder.Null)), new string('1', 64), "CSR public key: Ed25519 must not have parameters" },
    };

    [Theory]
    [MemberData(nameof(BadSpkis))]
    public void Parse_badSubjectPublicKeyInfo_throwsPreciseMessage(string algorithmHex, string publicKeyHex, string expected)
    {
        var spki = CsrBuilder.Spki(Convert.FromHexString(algorithmHex), Convert.FromHexString(publicKeyHex));
        var der = new CsrBuilder { SubjectPublicKeyInfo = spki }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Parse_unknownKeyAlgorithm_algorithmIsOidSizeZero()
    {
        var spki = CsrBuilder.Spki(CsrBuilder.AlgorithmIdentifier("1.2.840.10040.4.1"), [0x02, 0x01, 0x05]);
        var der = new CsrBuilder { SubjectPublicKeyInfo = spki }.Build(_key);

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(new PublicKeyDescription("1.2.840.10040.4.1", 0, null), csr.Key);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void Parse_ed25519KeyAndSignature_describedButNotVerifiable()
    {
        var spki = CsrBuilder.Spki(CsrBuilder.AlgorithmIdentifier("1.3.101.112"), new byte[32]);
        var builder = new CsrBuilder { SubjectPublicKeyInfo = spki, SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier("1.3.101.112") };

        var csr = Pkcs10Request.Parse(builder.Build(spki, _ => new byte[64]));

        Assert.Equal(new PublicKeyDescription(PublicKeyDescription.Ed25519, 256, null), csr.Key);
        Assert.Equal("1.3.101.112", csr.SignatureAlgorithmOid);
        Assert.False(csr.SignatureAlgorithmSupported);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void Parse_ecdsaSignatureAlgorithmWithNullParameters_throws()
    {
        var der = new CsrBuilder { SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier(CsrBuilder.EcdsaWithSha256Oid, CsrBuilder.Null) }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR signature algorithm 1.2.840.10045.4.3.2 (ECDSA) must not have parameters", ex.Message);
    }

    [Fact]
    public void Parse_rsaPssWithoutParameters_throws()
    {
        var der = new CsrBuilder { SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.10") }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR signature algorithm RSASSA-PSS must have parameters", ex.Message);
    }

    [Theory]
    [InlineData("3000", false)] // all defaults: SHA-1
    [InlineData("3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120", true)]
    [InlineData("3032a00d300b0609608648016503040201a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120", true)] // hash params absent
    [InlineData("3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402020500a203020120", false)] // MGF1 hash differs
    [InlineData("3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020114", false)] // salt 20
    [InlineData("3039a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120a303020102", false)] // trailer 2
    public void Parse_rsaPssParameters_supportedOnlyForBclChoices(string parametersHex, bool supported)
    {
        using var rsa = RSA.Create(2048);
        var builder = new CsrBuilder
        {
            SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.10", Convert.FromHexString(parametersHex)),
        };
        var der = builder.Build(rsa.ExportSubjectPublicKeyInfo(), tbs => rsa.SignData(tbs, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(supported, csr.SignatureAlgorithmSupported);
        Assert.Equal(supported, csr.VerifySignature());
    }

    [Theory]
    [InlineData("3003020120")] // not [n]-tagged
    [InlineData("3007a203020120a000")] // out of order
    [InlineData("3005a2030201ff")] // negative salt
    [InlineData("0500")] // not a SEQUENCE
    public void Parse_malformedRsaPssParameters_throws(string parametersHex)
    {
        var builder = new CsrBuilder
        {
            SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.10", Convert.FromHexString(parametersHex)),
        };

        Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(builder.Build(_key)));
    }

    [Fact]
    public void Parse_signatureWithUnusedBits_throws()
    {
        var der = new CsrBuilder { SignatureUnusedBits = 1 }.Build(_key.ExportSubjectPublicKeyInfo(), _ => [0x30, 0x00]);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR is malformed: signature BIT STRING must be a whole number of bytes", ex.Message);
    }

    [Fact]
    public void Parse_subjectWithEmptyRdn_throws()
    {
        var der = new CsrBuilder { Subject = [0x30, 0x02, 0x31, 0x00] }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR is malformed: subject has an empty relative distinguished name", ex.Message);
    }

    [Fact]
    public void Parse_subjectAttributeWithoutValue_throws()
    {
        var der = new CsrBuilder { Subject = Convert.FromHexString("300931073005060355040a") }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR is malformed: subject attribute 2.5.4.10 has no value", ex.Message);
    }

    [Theory]
    [InlineData("300d310b3009060355040313020141")] // PrintableString with a control character
    [InlineData("300d310b300906035504030c02c328")] // UTF8String that is not UTF-8
    [InlineData("300e310c300a06035504031e03004100")] // BMPString of odd length
    [InlineData("300e310c300a06035504031c03000000")] // UniversalString not a multiple of 4
    [InlineData("300f310d300b06035504031c040000d800")] // UniversalString holding a surrogate
    public void Parse_subjectWithUndecodableString_throwsInsteadOfBlankText(string subjectHex)
    {
        var der = new CsrBuilder { Subject = Convert.FromHexString(subjectHex) }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Contains("subject", ex.Message);
    }

    [Fact]
    public void Parse_subjectWithUniversalString_parses()
    {
        var der = new CsrBuilder { Subject = Convert.FromHexString("300f310d300b06035504031c0400000041") }.Build(_key);

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal("CN=#1C0400000041", csr.SubjectText); // X500DistinguishedName shows UniversalString values as hex
    }

    [Fact]
    public void Parse_subjectNotASequence_throws()
    {
        var der = new CsrBuilder { Subject = [0x31, 0x00] }.Build(_key);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));

        Assert.Equal("CSR is malformed: subject must be SEQUENCE, found SET", ex.Message);
    }

    [Fact]
    public void Parse_largerThan64KiB_throwsBeforeReading()
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(new byte[(64 * 1024) + 1]));

        Assert.Equal("CSR is too large: 65537 bytes, the limit is 65536 bytes (64 KiB)", ex.Message);
    }

    [Fact]
    public void Parse_empty_throws()
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(ReadOnlyMemory<byte>.Empty));

        Assert.Equal("CSR is empty", ex.Message);
    }

    [Fact]
    public void Parse_notASequence_throws()
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(new byte[] { 0x04, 0x01, 0x00 }));

        Assert.Equal("CSR is malformed: CSR (CertificationRequest) must be SEQUENCE, found OCTET STRING", ex.Message);
    }

    private static byte[] P256AlgorithmIdentifier() => CsrBuilder.AlgorithmIdentifier("1.2.840.10045.2.1", CsrBuilder.Oid("1.2.840.10045.3.1.7"));

    private static byte[] RsaAlgorithmIdentifier() => CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.1", CsrBuilder.Null);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
