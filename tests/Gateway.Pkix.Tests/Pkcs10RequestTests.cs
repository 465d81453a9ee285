using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Pkix.Csr;

namespace Gateway.Pkix.Tests;

/// <summary>Requests made with the BCL's CertificateRequest: every property, signature checks, tampering.</summary>
public sealed class Pkcs10RequestTests
{
    [Fact]
    public void Parse_p256RequestWithSansAndChallengePassword_exposesEveryProperty()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName("CN=device-01.example.test, O=Example, C=DE");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("Device-01.Example.TEST");
        sans.AddIpAddress(IPAddress.Parse("192.0.2.10"));
        sans.AddIpAddress(IPAddress.Parse("2001:DB8:0:0:0:0:0:1"));
        sans.AddEmailAddress("Ops@example.test");
        sans.AddUri(new Uri("https://example.test/devices/01"));
        var sanExtension = sans.Build();
        request.CertificateExtensions.Add(sanExtension);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.OtherRequestAttributes.Add(TestCsrs.ChallengePassword("s3cret-Pass"));
        var der = request.CreateSigningRequest();

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(der, csr.Der);
        Assert.Equal(subject.RawData, csr.Subject);
        Assert.Equal("CN=device-01.example.test, O=Example, C=DE", csr.SubjectText);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), csr.SubjectPublicKeyInfo);
        Assert.Equal(new PublicKeyDescription(PublicKeyDescription.Ec, 256, "P-256"), csr.Key);
        Assert.Equal(
            [
                SubjectAltNameEntry.Dns("device-01.example.test"),
                SubjectAltNameEntry.Ip("192.0.2.10"),
                SubjectAltNameEntry.Ip("2001:db8::1"),
                SubjectAltNameEntry.Email("Ops@example.test"),
                SubjectAltNameEntry.Uri("https://example.test/devices/01"),
            ],
            csr.SubjectAltNames);
        Assert.Equal(["2.5.29.17", "2.5.29.15"], csr.RequestedExtensions.Select(e => e.Oid));
        Assert.False(csr.RequestedExtensions[0].Critical);
        Assert.Equal(sanExtension.RawData, csr.RequestedExtensions[0].Value);
        Assert.True(csr.RequestedExtensions[1].Critical);
        Assert.Equal("s3cret-Pass", csr.ChallengePassword);
        Assert.Equal("1.2.840.10045.4.3.2", csr.SignatureAlgorithmOid);
        Assert.True(csr.SignatureAlgorithmSupported);
        Assert.True(csr.VerifySignature());
    }

    [Theory]
    [InlineData("p256", "EC", 256, "P-256", "1.2.840.10045.4.3.2")]
    [InlineData("p384", "EC", 384, "P-384", "1.2.840.10045.4.3.3")]
    [InlineData("p521", "EC", 521, "P-521", "1.2.840.10045.4.3.4")]
    [InlineData("rsa2048", "RSA", 2048, null, "1.2.840.113549.1.1.11")]
    [InlineData("rsa3072-sha384", "RSA", 3072, null, "1.2.840.113549.1.1.12")]
    [InlineData("rsa2048-pss", "RSA", 2048, null, "1.2.840.113549.1.1.10")]
    public void Parse_generatedRequest_describesKeyAndVerifies(string kind, string algorithm, int sizeBits, string? curve, string signatureOid)
    {
        var csr = Pkcs10Request.Parse(TestCsrs.Create(kind));

        Assert.Equal(new PublicKeyDescription(algorithm, sizeBits, curve), csr.Key);
        Assert.Equal(signatureOid, csr.SignatureAlgorithmOid);
        Assert.Equal("CN=test.example.test", csr.SubjectText);
        Assert.True(csr.SignatureAlgorithmSupported);
        Assert.True(csr.VerifySignature());
        Assert.True(csr.VerifySignature()); // cached answer, same result
    }

    [Theory]
    [InlineData("p256")]
    [InlineData("p384")]
    [InlineData("p521")]
    [InlineData("rsa2048")]
    [InlineData("rsa2048-pss")]
    public void VerifySignature_subjectByteFlipped_false(string kind)
    {
        var der = TestCsrs.Create(kind, "CN=tamper-test");
        var original = Pkcs10Request.Parse(der);
        var offset = der.AsSpan().IndexOf(original.Subject);
        Assert.True(offset > 0);

        der[offset + original.Subject.Length - 1] ^= 0x01; // last character of the CN: 't' -> 'u'
        var tampered = Pkcs10Request.Parse(der);

        Assert.Equal("CN=tamper-tesu", tampered.SubjectText);
        Assert.False(tampered.VerifySignature());
    }

    [Theory]
    [InlineData("p256")]
    [InlineData("rsa2048")]
    [InlineData("rsa2048-pss")]
    public void VerifySignature_signatureByteFlipped_false(string kind)
    {
        var der = TestCsrs.Create(kind);
        der[^1] ^= 0x40;

        var csr = Pkcs10Request.Parse(der);

        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void VerifySignature_keyOfAnotherRequester_false()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CsrBuilder { SubjectPublicKeyInfo = other.ExportSubjectPublicKeyInfo() }.Build(signer);

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(other.ExportSubjectPublicKeyInfo(), csr.SubjectPublicKeyInfo);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void VerifySignature_ecdsaSignatureOverRsaKey_false()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var der = new CsrBuilder { SubjectPublicKeyInfo = rsa.ExportSubjectPublicKeyInfo() }.Build(signer);

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(PublicKeyDescription.Rsa, csr.Key.Algorithm);
        Assert.True(csr.SignatureAlgorithmSupported);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void VerifySignature_sha1WithRsa_falseAndUnsupported()
    {
        using var key = RSA.Create(2048);
        var builder = new CsrBuilder { SignatureAlgorithm = CsrBuilder.AlgorithmIdentifier("1.2.840.113549.1.1.5", CsrBuilder.Null) };
        var der = builder.Build(key.ExportSubjectPublicKeyInfo(), tbs => key.SignData(tbs, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal("1.2.840.113549.1.1.5", csr.SignatureAlgorithmOid);
        Assert.False(csr.SignatureAlgorithmSupported);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void Parse_secp256k1Key_curveIsOidAndSignatureVerifies()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10"));
        var der = new CsrBuilder().Build(key);

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(new PublicKeyDescription(PublicKeyDescription.Ec, 256, "1.3.132.0.10"), csr.Key);
        Assert.True(csr.VerifySignature());
    }

    [Theory]
    [InlineData(UniversalTagNumber.UTF8String, "s3cret Pass 1")]
    [InlineData(UniversalTagNumber.UTF8String, "pässwörd-✓")]
    [InlineData(UniversalTagNumber.PrintableString, "s3cret Pass 1")]
    [InlineData(UniversalTagNumber.BMPString, "pässwörd")]
    [InlineData(UniversalTagNumber.T61String, "s3cret Pass 1")]
    [InlineData(UniversalTagNumber.UniversalString, "pässwörd-✓")]
    public void Parse_challengePasswordInAnyDirectoryString_readsIt(UniversalTagNumber type, string password)
    {
        var der = TestCsrs.Create("p256", configure: r => r.OtherRequestAttributes.Add(TestCsrs.ChallengePassword(password, type)));

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(password, csr.ChallengePassword);
        Assert.Empty(csr.RequestedExtensions);
        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void Parse_requestWithoutExtensionsOrPassword_emptyListsAndNullPassword()
    {
        var csr = Pkcs10Request.Parse(TestCsrs.Create("p256"));

        Assert.Empty(csr.SubjectAltNames);
        Assert.Empty(csr.RequestedExtensions);
        Assert.Null(csr.ChallengePassword);
    }

    [Fact]
    public void Parse_extensionsWithoutSubjectAltName_noSubjectAltNames()
    {
        var der = TestCsrs.Create("p256", configure: r => r.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true)));

        var csr = Pkcs10Request.Parse(der);

        Assert.Empty(csr.SubjectAltNames);
        var extension = Assert.Single(csr.RequestedExtensions);
        Assert.Equal("2.5.29.19", extension.Oid);
        Assert.True(extension.Critical);
    }

    [Fact]
    public void Parse_otherGeneralNameKinds_areOtherWithDescriptiveValues()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteObjectIdentifier("1.3.6.1.4.1.311.20.2.3");
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, "User@Corp.example.test");
                }
            }

            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteObjectIdentifier("1.2.3.4.5");
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteInteger(42);
                }
            }

            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
            {
                writer.WriteEncodedValue(new X500DistinguishedName("CN=directory-name, O=Example").RawData);
            }

            writer.WriteObjectIdentifier("1.2.3.4", new Asn1Tag(TagClass.ContextSpecific, 8));
            writer.WriteCharacterString(UniversalTagNumber.IA5String, "Mixed.Example.TEST", new Asn1Tag(TagClass.ContextSpecific, 2));
        }

        var san = new X509Extension(CsrBuilder.SubjectAltNameOid, writer.Encode(), critical: false);
        var der = TestCsrs.Create("p256", configure: r => r.CertificateExtensions.Add(san));

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal(
            [
                new SubjectAltNameEntry(SubjectAltNameKind.Upn, "User@Corp.example.test"),
                new SubjectAltNameEntry(SubjectAltNameKind.Other, "otherName:1.2.3.4.5:#02012a"),
                new SubjectAltNameEntry(SubjectAltNameKind.Other, "directoryName:CN=directory-name, O=Example"),
                new SubjectAltNameEntry(SubjectAltNameKind.Other, "registeredID:1.2.3.4"),
                SubjectAltNameEntry.Dns("mixed.example.test"),
            ],
            csr.SubjectAltNames);
        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void Parse_emptySubject_emptyTextAndSansStillRead()
    {
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("only-san.example.test");
        var der = TestCsrs.Create("p256", subject: string.Empty, configure: r => r.CertificateExtensions.Add(sans.Build(critical: true)));

        var csr = Pkcs10Request.Parse(der);

        Assert.Equal([0x30, 0x00], csr.Subject);
        Assert.Equal(string.Empty, csr.SubjectText);
        Assert.Equal([SubjectAltNameEntry.Dns("only-san.example.test")], csr.SubjectAltNames);
        Assert.True(csr.RequestedExtensions[0].Critical);
        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void Parse_inputSliceOfLargerBuffer_copiesTheBytes()
    {
        var der = TestCsrs.Create("p256");
        var buffer = new byte[der.Length + 20];
        der.CopyTo(buffer, 10);

        var csr = Pkcs10Request.Parse(buffer.AsMemory(10, der.Length));
        Array.Clear(buffer);

        Assert.Equal(der, csr.Der);
        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void TryParse_goodRequest_trueWithRequestAndNoError()
    {
        var ok = Pkcs10Request.TryParse(TestCsrs.Create("p256"), out var csr, out var error);

        Assert.True(ok);
        Assert.NotNull(csr);
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_badRequest_falseWithMessage()
    {
        var ok = Pkcs10Request.TryParse(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00, 0xFF }, out var csr, out var error);

        Assert.False(ok);
        Assert.Null(csr);
        Assert.Equal("trailing data after CSR: 1 bytes after the CertificationRequest SEQUENCE", error);
    }
}
