using Gateway.Pkix.Csr;


namespace Gateway.Pkix.Tests;

/// <summary>The committed edge cases under testdata/ (made with OpenSSL by testdata/make-testdata.sh).</summary>
public sealed class Pkcs10RequestTestdataTests
{
    [Theory]
    [InlineData("csr-empty.der", "CSR is empty")]
    [InlineData("csr-truncated.der", "CSR is not DER: ")]
    [InlineData("csr-trailing-garbage.der", "trailing data after CSR: 8 bytes")]
    [InlineData("csr-not-der-ber-indefinite.der", "CSR is not DER: ")]
    [InlineData("csr-wrong-version.der", "CSR version must be 0 (v1), found 1")]
    [InlineData("csr-bad-spki.der", "CSR public key: EC point must start with 0x04 (uncompressed), found 0x05")]
    [InlineData("csr-bad-san.der", "CSR is malformed: subjectAltName iPAddress must be 4 or 16 bytes, found 1")]
    [InlineData("csr-duplicate-extension.der", "CSR is malformed: extension 2.5.29.17 is requested more than once")]
    [InlineData("csr-random-bytes.der", "CSR ")]
    [InlineData("csr-certificate-instead.der", "CSR is an X.509 certificate, not a PKCS#10 certificate request")]
    public void Parse_malformedTestdataFile_throwsCsrFormatException(string file, string expectedStart)
    {
        var der = TestCsrs.ReadTestdata(file);

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.Parse(der));
        Assert.StartsWith(expectedStart, ex.Message);

        Assert.False(Pkcs10Request.TryParse(der, out _, out var error));
        Assert.Equal(ex.Message, error);
    }

    [Theory]
    [InlineData("csr-p256-dns.der", "EC", 256, "P-256", "1.2.840.10045.4.3.2")]
    [InlineData("csr-p384-sha384.der", "EC", 384, "P-384", "1.2.840.10045.4.3.3")]
    [InlineData("csr-p521-sha512.der", "EC", 521, "P-521", "1.2.840.10045.4.3.4")]
    [InlineData("csr-rsa2048.der", "RSA", 2048, null, "1.2.840.113549.1.1.11")]
    [InlineData("csr-rsa1024.der", "RSA", 1024, null, "1.2.840.113549.1.1.11")]
    [InlineData("csr-rsa2048-pss.der", "RSA", 2048, null, "1.2.840.113549.1.1.10")]
    [InlineData("csr-rsapss-key.der", "RSA", 2048, null, "1.2.840.113549.1.1.10")]
    [InlineData("csr-challenge-password.der", "EC", 256, "P-256", "1.2.840.10045.4.3.2")]
    [InlineData("csr-p256-all-sans.der", "EC", 256, "P-256", "1.2.840.10045.4.3.2")]
    public void Parse_opensslRequest_parsesAndVerifies(string file, string algorithm, int sizeBits, string? curve, string signatureOid)
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata(file));

        Assert.Equal(new PublicKeyDescription(algorithm, sizeBits, curve), csr.Key);
        Assert.Equal(signatureOid, csr.SignatureAlgorithmOid);
        Assert.True(csr.SignatureAlgorithmSupported);
        Assert.True(csr.VerifySignature());
    }

    [Theory]
    [InlineData("csr-rsa2048-sha1.der", "RSA", 2048, "1.2.840.113549.1.1.5")]
    [InlineData("csr-rsa2048-pss-saltmax.der", "RSA", 2048, "1.2.840.113549.1.1.10")]
    [InlineData("csr-ed25519.der", "Ed25519", 256, "1.3.101.112")]
    public void Parse_opensslRequestWithUnverifiableAlgorithm_parsesButDoesNotVerify(string file, string algorithm, int sizeBits, string signatureOid)
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata(file));

        Assert.Equal(new PublicKeyDescription(algorithm, sizeBits, null), csr.Key);
        Assert.Equal(signatureOid, csr.SignatureAlgorithmOid);
        Assert.False(csr.SignatureAlgorithmSupported);
        Assert.False(csr.VerifySignature());
    }

    [Fact]
    public void Parse_opensslP256Dns_readsSubjectAndSan()
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata("csr-p256-dns.der"));

        Assert.Equal("CN=x", csr.SubjectText);
        Assert.Equal([SubjectAltNameEntry.Dns("x.example.test")], csr.SubjectAltNames);
        Assert.Equal("2.5.29.17", Assert.Single(csr.RequestedExtensions).Oid);
        Assert.Null(csr.ChallengePassword);
    }

    [Fact]
    public void Parse_opensslChallengePassword_readsPasswordAndSan()
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata("csr-challenge-password.der"));

        Assert.Equal("s3cret-Pass", csr.ChallengePassword);
        Assert.Equal("CN=scep-device-01", csr.SubjectText);
        Assert.Equal([SubjectAltNameEntry.Dns("scep-device-01.example.test")], csr.SubjectAltNames);
    }

    [Fact]
    public void Parse_opensslAllSans_normalisesEveryKind()
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata("csr-p256-all-sans.der"));

        Assert.Equal(
            [
                SubjectAltNameEntry.Dns("host.example.test"),
                SubjectAltNameEntry.Ip("192.0.2.7"),
                SubjectAltNameEntry.Ip("2001:db8::1"),
                SubjectAltNameEntry.Email("ops@example.test"),
                SubjectAltNameEntry.Uri("https://example.test/device/7"),
                new SubjectAltNameEntry(SubjectAltNameKind.Upn, "user@corp.example.test"),
                new SubjectAltNameEntry(SubjectAltNameKind.Other, "directoryName:O=Example, CN=directory-name"),
                new SubjectAltNameEntry(SubjectAltNameKind.Other, "registeredID:1.2.3.4"),
            ],
            csr.SubjectAltNames);
    }

    [Fact]
    public void Parse_opensslRsa2048_readsMultiRdnSubject()
    {
        var csr = Pkcs10Request.Parse(TestCsrs.ReadTestdata("csr-rsa2048.der"));

        Assert.Equal("C=DE, O=Example, CN=rsa2048.example.test", csr.SubjectText);
    }
}
