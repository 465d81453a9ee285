using Gateway.Protocols.Common;
using Gateway.Protocols.Scep;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>
/// The committed pkiMessages under testdata/, all encrypted to testdata/scepclient-ra.pem: each malformed one is refused
/// with the failInfo RFC 8894 calls for (or, when no CertRep can be built for it, as HTTP 400), and nothing is enrolled.
/// </summary>
public sealed class ScepTestdataTests
{
    [Theory]
    [InlineData("scep-unknown-messagetype.p7", ScepFailInfo.BadRequest)]
    [InlineData("scep-md5-digest.p7", ScepFailInfo.BadAlg)]
    [InlineData("scep-wrong-recipient.p7", ScepFailInfo.BadMessageCheck)]
    [InlineData("scep-rc2-content.p7", ScepFailInfo.BadAlg)]
    [InlineData("scep-bad-signature.p7", ScepFailInfo.BadMessageCheck)]
    public void Read_malformed_message_fails_with_the_failInfo_and_can_be_answered(string file, ScepFailInfo expected)
    {
        var result = ScepMessageReader.Read(Testdata.Bytes(file), TestRa.FromTestdata(), allowSingleDes: true);

        Assert.Null(result.Request);
        Assert.NotNull(result.Transaction);
        Assert.Equal(expected, result.FailInfo);
    }

    [Theory]
    [InlineData("scep-short-nonce.p7")]
    [InlineData("scep-truncated.p7")]
    [InlineData("scep-random-bytes.p7")]
    public async Task HandleAsync_message_without_what_a_certrep_needs_is_http_400_and_enrolls_nothing(string file)
    {
        var port = new FakePort();

        var reply = await Service(port).HandleAsync(port.Profile, Testdata.Bytes(file), null);

        Assert.Equal(400, reply.HttpStatus);
        Assert.Null(reply.CertRep);
        Assert.Empty(port.Enrollments);
    }

    [Theory]
    [InlineData("scep-unknown-messagetype.p7", "2")]
    [InlineData("scep-envelope-not-a-csr.p7", "2")]
    [InlineData("scep-wrong-recipient.p7", "1")]
    public async Task HandleAsync_malformed_message_gets_a_signed_failure_and_enrolls_nothing(string file, string failInfo)
    {
        var port = new FakePort();
        var ra = TestRa.FromTestdata();

        var reply = await Service(port, ra).HandleAsync(port.Profile, Testdata.Bytes(file), null);

        var signed = new Org.BouncyCastle.Cms.CmsSignedData(reply.CertRep);
        var signer = signed.GetSignerInfos().GetSigners().Single();
        Assert.True(signer.Verify(new Org.BouncyCastle.X509.X509Certificate(ra.SigningCertificate.RawData)));
        string Attribute(string oid) => ((Org.BouncyCastle.Asn1.DerPrintableString)signer.SignedAttributes[new Org.BouncyCastle.Asn1.DerObjectIdentifier(oid)].AttrValues[0]).GetString();
        Assert.Equal("2", Attribute("2.16.840.1.113733.1.9.3"));
        Assert.Equal(failInfo, Attribute("2.16.840.1.113733.1.9.4"));
        Assert.Empty(port.Enrollments);
    }

    [Fact]
    public void Read_aes128_pkcsreq_yields_the_request()
    {
        var result = ScepMessageReader.Read(Testdata.Bytes("scep-pkcsreq-aes128.p7"), TestRa.FromTestdata(), allowSingleDes: false);

        Assert.NotNull(result.Request);
        Assert.Equal(ScepMessageType.PkcsReq, result.Request.MessageType);
        Assert.Same(ScepContentCipher.Aes128, result.Request.Cipher);
        Assert.Equal("tx-aes128", result.Request.Transaction.TransactionId);
    }

    private static ScepService Service(FakePort port, TestRa? ra = null) =>
        new(port, ra ?? TestRa.FromTestdata(), TestWebhooks.None, new Gateway.Protocols.Common.CredentialFailureLimiter(1000, TimeSpan.FromMinutes(1)), Options.Create(new ScepOptions { AllowSingleDes = true }), NullLogger<ScepService>.Instance);
}
