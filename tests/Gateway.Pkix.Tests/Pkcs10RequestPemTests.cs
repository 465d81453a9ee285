using System.Security.Cryptography;
using Gateway.Pkix.Csr;

namespace Gateway.Pkix.Tests;

public sealed class Pkcs10RequestPemTests
{
    private readonly byte[] _der = TestCsrs.ReadTestdata("csr-p256-dns.der");

    [Theory]
    [InlineData("CERTIFICATE REQUEST")]
    [InlineData("NEW CERTIFICATE REQUEST")]
    public void DecodePem_pemWithAcceptedLabel_returnsDer(string label)
    {
        var pem = new string(PemEncoding.Write(label, _der));

        Assert.Equal(_der, Pkcs10Request.DecodePem(pem));
    }

    [Fact]
    public void DecodePem_pemWithTextAroundAndCrLf_returnsDer()
    {
        var pem = "Subject: CN=x\r\n" + new string(PemEncoding.Write("CERTIFICATE REQUEST", _der)).Replace("\n", "\r\n") + "\r\n-- end of mail --\r\n";

        Assert.Equal(_der, Pkcs10Request.DecodePem(pem));
    }

    [Fact]
    public void DecodePem_bareBase64WithWhitespace_returnsDer()
    {
        var base64 = Convert.ToBase64String(_der, Base64FormattingOptions.InsertLineBreaks);
        var text = "  " + base64.Insert(10, " \t") + "\n";

        Assert.Equal(_der, Pkcs10Request.DecodePem(text));
    }

    [Fact]
    public void DecodePem_thenParse_roundTrips()
    {
        var csr = Pkcs10Request.Parse(Pkcs10Request.DecodePem(Convert.ToBase64String(_der)));

        Assert.True(csr.VerifySignature());
    }

    [Fact]
    public void DecodePem_wrongLabel_throwsNamingIt()
    {
        var pem = new string(PemEncoding.Write("CERTIFICATE", _der));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(pem));

        Assert.Equal("CSR PEM label is 'CERTIFICATE', expected 'CERTIFICATE REQUEST' or 'NEW CERTIFICATE REQUEST'", ex.Message);
    }

    [Fact]
    public void DecodePem_twoBlocks_throws()
    {
        var block = new string(PemEncoding.Write("CERTIFICATE REQUEST", _der));

        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(block + "\n" + block));

        Assert.Equal("CSR PEM contains more than one block", ex.Message);
    }

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n")] // no END line
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMII*B\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE-----\n")]
    public void DecodePem_malformedPem_throws(string text)
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(text));

        Assert.StartsWith("CSR PEM is malformed", ex.Message);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("MIIB=")]
    public void DecodePem_notBase64_throws(string text)
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(text));

        Assert.Equal("CSR is neither PEM nor valid base64", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n\t ")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n")]
    public void DecodePem_nothingInside_throwsEmpty(string text)
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(text));

        Assert.Equal("CSR is empty", ex.Message);
    }

    [Fact]
    public void DecodePem_textLongerThanLimit_throws()
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(new string('A', Pkcs10Request.MaxPemLength + 1)));

        Assert.StartsWith("CSR text is too long", ex.Message);
    }

    [Fact]
    public void DecodePem_base64OfMoreThan64KiB_throws()
    {
        var ex = Assert.Throws<CsrFormatException>(() => Pkcs10Request.DecodePem(Convert.ToBase64String(new byte[(64 * 1024) + 3])));

        Assert.StartsWith("CSR is too large", ex.Message);
    }
}
