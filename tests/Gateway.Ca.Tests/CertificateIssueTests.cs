using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Ca.Tests;

public sealed class CertificateIssueTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private readonly CertificateAuthority _ca = fixture.Ca;

    [Fact]
    public void Issue_validTemplate_verifiesAgainstChain()
    {
        IssuedCertificate issued = _ca.Issue(Given.Template());

        Given.AssertVerifies(_ca, issued);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal(3, certificate.Version);
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.Equal(_ca.GetIssuer("default").ChainDer, issued.ChainDer);
    }

    [Fact]
    public void Issue_validTemplate_resultDescribesCertificate()
    {
        CertificateTemplate template = Given.Template(subject: Given.Name("CN=device-1.example.com,O=Example"));

        IssuedCertificate issued = _ca.Issue(template);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal(certificate.SerialNumber.ToLowerInvariant(), issued.Serial);
        Assert.Equal(certificate.Subject, issued.Subject);
        Assert.Equal(certificate.Issuer, issued.Issuer);
        Assert.Equal(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), issued.NotBefore);
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), issued.NotAfter);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(issued.Der)), issued.Sha256Fingerprint);
        Assert.Equal(template.Subject, certificate.SubjectName.RawData);
        Assert.Equal(template.SubjectPublicKeyInfo, certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Issue_serial_isPositive128BitLowercaseHexWithoutLeadingZero()
    {
        for (int i = 0; i < 200; i++)
        {
            IssuedCertificate issued = _ca.Issue(Given.Template());

            Assert.Matches("^[0-7][0-9a-f]{31}$", issued.Serial);
            Assert.NotEqual("00", issued.Serial[..2]);
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
            byte[] serial = certificate.SerialNumberBytes.ToArray();
            Assert.Equal(16, serial.Length);
            Assert.True(serial[0] is > 0 and < 0x80);
        }
    }

    [Fact]
    public void Issue_serial_startsWithTheMillisecondsOfIssueThenEightyRandomBits()
    {
        // A clock of its own, at a whole millisecond: the serial's first 6 bytes are its Unix milliseconds.
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123));
        using CertificateAuthority ca = Given.Ca(Given.Options(dir), time: time);
        CertificateTemplate template = Given.Template();

        var first = Enumerable.Range(0, 500).Select(_ => ca.Issue(template).Serial).ToList();
        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = ca.Issue(template).Serial;

        Assert.All(first, s => Assert.StartsWith(1_796_000_000_123L.ToString("x12", System.Globalization.CultureInfo.InvariantCulture), s));
        Assert.Equal(500, first.Select(s => s[12..]).Distinct().Count()); // the random part alone tells them apart
        Assert.All(first, s => Assert.True(string.CompareOrdinal(s, later) < 0, $"{s} sorts before {later}"));
        // The random part is not a counter: within one millisecond the serials are in no particular order.
        Assert.NotEqual(first.Order(StringComparer.Ordinal), first);
    }

    [Fact]
    public void Issue_serial_staysPositiveAndMinimalForAClockBefore2004()
    {
        using var dir = new TempDirectory();
        // A CA made in 2000 (its validity starts then): the prefix's first byte would be 0x00.
        var time = new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using CertificateAuthority ca = Given.Ca(Given.Options(dir), time: time);
        time.Advance(TimeSpan.FromHours(1));
        CertificateTemplate template = Given.Template(notBefore: time.GetUtcNow(), notAfter: time.GetUtcNow().AddDays(1));

        var issued = ca.Issue(template);

        Assert.Matches("^01[0-9a-f]{30}$", issued.Serial);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal(16, certificate.SerialNumberBytes.Length);
    }

    [Fact]
    public void Issue_thousandCertificates_serialsAreUnique()
    {
        CertificateTemplate template = Given.Template();

        var serials = Enumerable.Range(0, 1000).Select(_ => _ca.Issue(template).Serial).ToHashSet();

        Assert.Equal(1000, serials.Count);
    }

    [Fact]
    public void Issue_fromManyThreads_allCertificatesVerify()
    {
        CertificateTemplate template = Given.Template();
        var issued = new IssuedCertificate[400];

        Parallel.For(0, issued.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => issued[i] = _ca.Issue(template));

        Assert.Equal(issued.Length, issued.Select(c => c.Serial).Distinct().Count());
        using ECDsa issuerKey = _ca.GetIssuer("default").Certificate.GetECDsaPublicKey()!;
        foreach (IssuedCertificate certificate in issued)
        {
            (byte[] tbs, byte[] signature) = SplitCertificate(certificate.Der);
            Assert.True(issuerKey.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    [Fact]
    public void Issue_user_principal_name_is_an_otherName_that_reads_back_as_the_same_upn()
    {
        CertificateTemplate template = Given.Template(sans: [SubjectAltName.Upn("jane.doe@corp.example.com"), SubjectAltName.Dns("laptop-42.example.com")]);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(template).Der);

        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        var read = Gateway.Pkix.Csr.SubjectAltNameExtension.Read(san.RawData);
        Assert.Equal(new Gateway.Pkix.SubjectAltNameEntry(Gateway.Pkix.SubjectAltNameKind.Upn, "jane.doe@corp.example.com"), read[0]);
        var names = new AsnReader(san.RawData, AsnEncodingRules.DER).ReadSequence();
        var otherName = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        Assert.Equal("1.3.6.1.4.1.311.20.2.3", otherName.ReadObjectIdentifier());
        Assert.Equal("jane.doe@corp.example.com", otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadCharacterString(UniversalTagNumber.UTF8String));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@corp.example.com")]
    [InlineData("jane\u0007@corp.example.com")]
    public void Issue_user_principal_name_that_is_not_one_is_refused(string value)
    {
        var template = Given.Template(sans: [SubjectAltName.Upn(System.Text.RegularExpressions.Regex.Unescape(value))]);

        Assert.Throws<ArgumentException>(() => _ca.Issue(template));
    }

    [Fact]
    public void Issue_sansOfEveryType_areEncodedAsGeneralNames()
    {
        CertificateTemplate template = Given.Template(sans:
        [
            SubjectAltName.Dns("a.example.com"),
            SubjectAltName.Dns("*.b.example.com"),
            SubjectAltName.Ip("192.0.2.7"),
            SubjectAltName.Ip("2001:db8::1"),
            SubjectAltName.Email("ops@example.com"),
            SubjectAltName.Uri("spiffe://example.com/workload/1"),
        ]);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(template).Der);

        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.False(san.Critical);
        Assert.Equal(["a.example.com", "*.b.example.com"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::1")], san.EnumerateIPAddresses());

        var names = new AsnReader(san.RawData, AsnEncodingRules.DER).ReadSequence();
        var tags = new List<(int Tag, byte[] Value)>();
        while (names.HasData)
        {
            Asn1Tag tag = names.PeekTag();
            tags.Add((tag.TagValue, names.ReadOctetString(tag)));
        }

        Assert.Equal([2, 2, 7, 7, 1, 6], tags.Select(t => t.Tag));
        Assert.Equal(4, tags[2].Value.Length);
        Assert.Equal(16, tags[3].Value.Length);
        Assert.Equal("ops@example.com", System.Text.Encoding.ASCII.GetString(tags[4].Value));
        Assert.Equal("spiffe://example.com/workload/1", System.Text.Encoding.ASCII.GetString(tags[5].Value));
    }

    [Fact]
    public void Issue_emptySubject_encodesEmptyNameAndCriticalSan()
    {
        IssuedCertificate issued = _ca.Issue(Given.Template(subject: Given.EmptyName()));

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal([0x30, 0x00], certificate.SubjectName.RawData);
        Assert.Equal(string.Empty, issued.Subject);
        Assert.True(Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()).Critical);
        Given.AssertVerifies(_ca, issued);
    }

    [Fact]
    public void Issue_emptySubjectAndNoSan_throwsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(subject: Given.EmptyName(), sans: [])));
    }

    [Fact]
    public void Issue_noSan_omitsSubjectAltName()
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(Given.Template(sans: [])).Der);

        Assert.Empty(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public void Issue_keyUsageAndEku_areEncodedCriticalAndAsRequested()
    {
        CertificateTemplate template = Given.Template(
            keyUsage: (int)(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment),
            ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(template).Der);

        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, usage.KeyUsages);
        Assert.Equal([0x03, 0x02, 0x05, 0xA0], usage.RawData); // BIT STRING, 5 unused bits, 101
        var eku = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.False(eku.Critical);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
    }

    [Theory]
    [InlineData((int)X509KeyUsageFlags.DigitalSignature, new byte[] { 0x03, 0x02, 0x07, 0x80 })]
    [InlineData((int)X509KeyUsageFlags.KeyAgreement, new byte[] { 0x03, 0x02, 0x03, 0x08 })]
    [InlineData((int)X509KeyUsageFlags.EncipherOnly | (int)X509KeyUsageFlags.KeyAgreement, new byte[] { 0x03, 0x02, 0x00, 0x09 })]
    [InlineData((int)X509KeyUsageFlags.DecipherOnly | (int)X509KeyUsageFlags.KeyAgreement, new byte[] { 0x03, 0x03, 0x07, 0x08, 0x80 })]
    [InlineData((int)X509KeyUsageFlags.DecipherOnly, new byte[] { 0x03, 0x03, 0x07, 0x00, 0x80 })]
    public void Issue_keyUsage_isMinimalNamedBitList(int keyUsage, byte[] expected)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(Given.Template(keyUsage: keyUsage)).Der);

        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(expected, usage.RawData);
        Assert.Equal((X509KeyUsageFlags)keyUsage, usage.KeyUsages);
    }

    [Fact]
    public void Issue_zeroKeyUsageAndNoEku_omitsBoth()
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(Given.Template(keyUsage: 0, ekus: [])).Der);

        Assert.Empty(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Empty(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
    }

    [Fact]
    public void Issue_unknownKeyUsageBits_throwsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(keyUsage: 0x10000)));
    }

    [Fact]
    public void Issue_anyTemplate_isEndEntityWithKeyIdentifiers()
    {
        CertificateTemplate template = Given.Template();

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(template).Der);

        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.False(constraints.CertificateAuthority);
        Assert.False(constraints.HasPathLengthConstraint);
        var ski = Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.False(ski.Critical);
        Assert.Equal(SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData), ski.SubjectKeyIdentifierBytes.ToArray());
        var aki = Assert.Single(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.False(aki.Critical);
        var issuerSki = Assert.Single(_ca.GetIssuer("default").Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(issuerSki.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        Assert.Null(aki.SerialNumber);
    }

    [Fact]
    public void Issue_policies_areEncodedAsPolicyInformation()
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(
            _ca.Issue(Given.Template(policies: ["2.23.140.1.2.1", "1.3.6.1.4.1.99999.1"])).Der);

        X509Extension policies = Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == "2.5.29.32");
        var reader = new AsnReader(policies.RawData, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal("2.23.140.1.2.1", reader.ReadSequence().ReadObjectIdentifier());
        Assert.Equal("1.3.6.1.4.1.99999.1", reader.ReadSequence().ReadObjectIdentifier());
        Assert.False(reader.HasData);
    }

    [Fact]
    public void Issue_additionalExtensions_areCopiedVerbatimAndOursWin()
    {
        byte[] custom = [0x0C, 0x03, (byte)'a', (byte)'b', (byte)'c'];
        byte[] caTrue = [0x30, 0x03, 0x01, 0x01, 0xFF];
        CertificateTemplate template = Given.Template(extensions:
        [
            new ExtensionData("1.3.6.1.4.1.99999.7", Critical: false, custom),
            new ExtensionData("2.5.29.19", Critical: true, caTrue), // basicConstraints cA TRUE: never from a template
            new ExtensionData("1.3.6.1.4.1.99999.7", Critical: true, [0x05, 0x00]), // repeat: skipped
            new ExtensionData("1.3.6.1.4.1.99999.8", Critical: true, [0x05, 0x00]),
        ]);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(_ca.Issue(template).Der);

        X509Extension[] all = certificate.Extensions.Cast<X509Extension>().ToArray();
        Assert.Equal(all.Length, all.Select(e => e.Oid!.Value).Distinct().Count());
        X509Extension copied = Assert.Single(all, e => e.Oid!.Value == "1.3.6.1.4.1.99999.7");
        Assert.False(copied.Critical);
        Assert.Equal(custom, copied.RawData);
        Assert.True(Assert.Single(all, e => e.Oid!.Value == "1.3.6.1.4.1.99999.8").Critical);
        Assert.False(Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(
            ["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.5.29.14", "2.5.29.35", "1.3.6.1.4.1.99999.7", "1.3.6.1.4.1.99999.8"],
            all.Select(e => e.Oid!.Value));
    }

    [Fact]
    public void Issue_additionalSanWhenTemplateHasNone_isCopied()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName("extra.example.com");
        byte[] san = builder.Build().RawData;

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(
            _ca.Issue(Given.Template(sans: [], extensions: [new ExtensionData("2.5.29.17", false, san)])).Der);

        Assert.Equal(["extra.example.com"], Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()).EnumerateDnsNames());
    }

    [Fact]
    public void Issue_additionalExtensionNotAsn1_throwsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(extensions: [new ExtensionData("1.2.3.4", false, [0x04, 0x05, 0x01])])));
    }

    [Fact]
    public void Issue_validityBeyondIssuer_isClippedToIssuer()
    {
        IssuingCa issuer = _ca.GetIssuer("default");

        IssuedCertificate issued = _ca.Issue(Given.Template(notBefore: issuer.NotBefore.AddYears(-3), notAfter: issuer.NotAfter.AddYears(5)));

        Assert.Equal(issuer.NotBefore, issued.NotBefore);
        Assert.Equal(issuer.NotAfter, issued.NotAfter);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        Assert.Equal(issuer.Certificate.NotAfter, certificate.NotAfter);
        Assert.Equal(issuer.Certificate.NotBefore, certificate.NotBefore);
    }

    [Fact]
    public void Issue_validityWithFractionalSeconds_isTruncatedToSeconds()
    {
        var notBefore = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2));
        var notAfter = new DateTimeOffset(2030, 6, 2, 3, 4, 5, 999, TimeSpan.Zero);

        IssuedCertificate issued = _ca.Issue(Given.Template(notBefore: notBefore, notAfter: notAfter));

        Assert.Equal(new DateTimeOffset(2030, 1, 2, 1, 4, 5, TimeSpan.Zero), issued.NotBefore);
        Assert.Equal(new DateTimeOffset(2030, 6, 2, 3, 4, 5, TimeSpan.Zero), issued.NotAfter);
    }

    [Fact]
    public void Issue_validityOutsideIssuer_throwsArgumentException()
    {
        IssuingCa issuer = _ca.GetIssuer("default");

        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(notBefore: issuer.NotAfter.AddDays(1), notAfter: issuer.NotAfter.AddDays(30))));
    }

    [Theory]
    [InlineData("spki-truncated.der")]
    [InlineData("spki-trailing-data.der")]
    [InlineData("spki-not-a-sequence.der")]
    [InlineData("spki-bitstring-unused-bits.der")]
    [InlineData("spki-algorithm-not-oid.der")]
    [InlineData("spki-ber-long-length.der")]
    [InlineData("spki-empty.der")]
    public void Issue_invalidSpki_throwsArgumentException(string file)
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(spki: Given.TestData(file))));
    }

    [Theory]
    [InlineData("name-trailing-data.der")]
    [InlineData("name-empty-rdn.der")]
    [InlineData("name-attribute-without-value.der")]
    public void Issue_invalidSubject_throwsArgumentException(string file)
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(subject: Given.TestData(file))));
    }

    [Fact]
    public void Issue_issuersOwnKey_throwsArgumentException()
    {
        byte[] issuerSpki = _ca.GetIssuer("default").Certificate.PublicKey.ExportSubjectPublicKeyInfo();

        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(spki: issuerSpki)));
    }

    [Theory]
    [InlineData(SubjectAltNameType.Ip, "not-an-ip")]
    [InlineData(SubjectAltNameType.Ip, "fe80::1%eth0")]
    [InlineData(SubjectAltNameType.Dns, "bücher.example")]
    [InlineData(SubjectAltNameType.Dns, "a b.example")]
    [InlineData(SubjectAltNameType.Dns, "")]
    [InlineData(SubjectAltNameType.Email, "no-at-sign")]
    [InlineData(SubjectAltNameType.Uri, "relative/path")]
    [InlineData(SubjectAltNameType.Other, "otherName:1.2.3")]
    public void Issue_invalidSan_throwsArgumentException(SubjectAltNameType type, string value)
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(sans: [new SubjectAltName(type, value)])));
    }

    [Theory]
    [InlineData("not.an.oid")]
    [InlineData("1")]
    public void Issue_invalidEkuOid_throwsArgumentException(string oid)
    {
        Assert.Throws<ArgumentException>(() => _ca.Issue(Given.Template(ekus: [oid])));
    }

    [Fact]
    public void Issue_rsaSubjectKey_isAccepted()
    {
        using RSA rsa = RSA.Create(2048);

        IssuedCertificate issued = _ca.Issue(Given.Template(spki: rsa.ExportSubjectPublicKeyInfo()));

        Given.AssertVerifies(_ca, issued);
    }

    internal static (byte[] Tbs, byte[] Signature) SplitCertificate(byte[] der)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        byte[] tbs = certificate.ReadEncodedValue().ToArray();
        certificate.ReadSequence();
        byte[] signature = certificate.ReadBitString(out _);
        return (tbs, signature);
    }
}
