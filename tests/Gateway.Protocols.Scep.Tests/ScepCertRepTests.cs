using System.Security.Cryptography;
using Gateway.Protocols.Common;
using Gateway.Protocols.Scep;

namespace Gateway.Protocols.Scep.Tests;

public sealed class ScepCertRepTests
{
    [Fact]
    public void Success_is_signed_by_the_ra_echoes_the_nonce_and_is_readable_only_by_the_requester()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var nonce = RandomNumberGenerator.GetBytes(16);
        var transaction = new ScepTransaction("tx-9", nonce, client.SelfSigned, HashAlgorithmName.SHA256);
        var payload = RandomNumberGenerator.GetBytes(300);

        var certRep = ScepCertRep.Success(transaction, ra, ScepEnvelope.Seal(payload, client.SelfSigned, ScepContentCipher.Aes256));

        var read = client.ReadCertRep(certRep, ra.SigningCertificate);
        Assert.Equal("0", read.Status);
        Assert.Null(read.FailInfo);
        Assert.Equal(nonce, read.RecipientNonce);
        Assert.Equal("tx-9", read.TransactionId);
        Assert.Equal(payload, read.Content);
        // Another key cannot read the content. OpenSSL 3.2+ answers a PKCS#1 v1.5 decryption with the wrong key with a
        // random key instead of an error (implicit rejection), and AES-CBC with a random key passes the padding check
        // about once in 256: then it is garbage, not the payload. (The assertion was "throws", which failed that once.)
        using var stranger = RSA.Create(2048);
        byte[]? strangerRead = null;
        try
        {
            strangerRead = client.ReadCertRep(certRep, ra.SigningCertificate, recipientKey: stranger).Content;
        }
        catch (Exception)
        {
            // Refused (RSA or padding): the usual answer.
        }
        Assert.NotEqual(payload, strangerRead);
    }

    [Theory]
    [InlineData(ScepFailInfo.BadAlg, "0")]
    [InlineData(ScepFailInfo.BadMessageCheck, "1")]
    [InlineData(ScepFailInfo.BadRequest, "2")]
    [InlineData(ScepFailInfo.BadTime, "3")]
    [InlineData(ScepFailInfo.BadCertId, "4")]
    public void Failure_carries_status_2_and_the_failInfo_and_no_content(ScepFailInfo failInfo, string expected)
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var transaction = new ScepTransaction("tx-f", RandomNumberGenerator.GetBytes(16), client.SelfSigned, HashAlgorithmName.SHA1);

        var read = client.ReadCertRep(ScepCertRep.Failure(transaction, ra, failInfo), ra.SigningCertificate);

        Assert.Equal("2", read.Status);
        Assert.Equal(expected, read.FailInfo);
        Assert.Null(read.Content);
    }

    [Fact]
    public void Pending_carries_status_3_without_failInfo()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var transaction = new ScepTransaction("tx-p", RandomNumberGenerator.GetBytes(16), client.SelfSigned, HashAlgorithmName.SHA256);

        var read = client.ReadCertRep(ScepCertRep.Pending(transaction, ra), ra.SigningCertificate);

        Assert.Equal("3", read.Status);
        Assert.Null(read.FailInfo);
    }

    [Fact]
    public void Seal_with_single_des_round_trips_for_legacy_clients()
    {
        var client = new TestScepClient();
        var payload = RandomNumberGenerator.GetBytes(100);

        var enveloped = ScepEnvelope.Seal(payload, client.SelfSigned, ScepContentCipher.Des);

        var recipient = new Org.BouncyCastle.Cms.CmsEnvelopedData(enveloped).GetRecipientInfos().GetRecipients().Single();
        var key = Org.BouncyCastle.Security.DotNetUtilities.GetRsaKeyPair(client.Key.ExportParameters(true)).Private;
        Assert.Equal(payload, recipient.GetContent(key));
    }
}
