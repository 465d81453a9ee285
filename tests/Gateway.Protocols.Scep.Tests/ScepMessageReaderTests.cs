using System.Security.Cryptography;
using Gateway.Protocols.Common;
using Gateway.Protocols.Scep;

namespace Gateway.Protocols.Scep.Tests;

public sealed class ScepMessageReaderTests
{
    [Fact]
    public void Read_scepclient_request_with_single_des_allowed_yields_the_csr_and_transaction()
    {
        var ra = TestRa.FromTestdata();

        var result = ScepMessageReader.Read(Testdata.Bytes("scepclient-2.1.0-pkcsreq-des.p7"), ra, allowSingleDes: true);

        Assert.NotNull(result.Request);
        Assert.Equal(ScepMessageType.PkcsReq, result.Request.MessageType);
        Assert.Equal("nP2hqbEeUAXsUFZZs15Uc9eMbYQ=", result.Request.Transaction.TransactionId);
        Assert.Equal(16, result.Request.Transaction.SenderNonce.Length);
        Assert.Equal(HashAlgorithmName.SHA1, result.Request.Transaction.Digest);
        Assert.Same(ScepContentCipher.Des, result.Request.Cipher);
        Assert.Equal(0x30, result.Request.MessageData[0]);
        Assert.Contains("secret123"u8.ToArray(), Slices(result.Request.MessageData, 9));
    }

    [Fact]
    public void Scepclient_transaction_id_is_a_hash_of_its_key_and_not_of_another()
    {
        var result = ScepMessageReader.Read(Testdata.Bytes("scepclient-2.1.0-pkcsreq-des.p7"), TestRa.FromTestdata(), allowSingleDes: true);
        var transaction = result.Request!.Transaction;

        Assert.True(ScepTransactionIds.IsKeyHash(transaction.TransactionId, transaction.Signer.PublicKey.ExportSubjectPublicKeyInfo()));
        using var other = RSA.Create(2048);
        Assert.False(ScepTransactionIds.IsKeyHash(transaction.TransactionId, other.ExportSubjectPublicKeyInfo()));
        Assert.False(ScepTransactionIds.IsKeyHash(transaction.TransactionId, [0x30, 0x03, 0x02, 0x01, 0x00]));
    }

    [Fact]
    public void Read_scepclient_request_with_single_des_refused_fails_with_badAlg_and_can_be_answered()
    {
        var result = ScepMessageReader.Read(Testdata.Bytes("scepclient-2.1.0-pkcsreq-des.p7"), TestRa.FromTestdata(), allowSingleDes: false);

        Assert.Null(result.Request);
        Assert.NotNull(result.Transaction);
        Assert.Equal(ScepFailInfo.BadAlg, result.FailInfo);
        Assert.Contains("AllowSingleDes", result.Error);
    }

    [Theory]
    [InlineData("scep-truncated.p7")]
    [InlineData("scep-random-bytes.p7")]
    public void Read_bytes_that_are_no_signed_data_fail_without_a_transaction(string file)
    {
        var result = ScepMessageReader.Read(Testdata.Bytes(file), TestRa.FromTestdata(), allowSingleDes: true);

        Assert.Null(result.Request);
        Assert.Null(result.Transaction);
        Assert.Equal(ScepFailInfo.BadMessageCheck, result.FailInfo);
    }

    [Fact]
    public void Read_request_with_a_broken_signature_fails_with_badMessageCheck()
    {
        var result = ScepMessageReader.Read(Testdata.Bytes("scep-bad-signature.p7"), TestRa.FromTestdata(), allowSingleDes: true);

        Assert.Null(result.Request);
        Assert.NotNull(result.Transaction);
        Assert.Equal(ScepFailInfo.BadMessageCheck, result.FailInfo);
    }

    [Theory]
    [InlineData("2.16.840.1.101.3.4.1.2")]
    [InlineData("2.16.840.1.101.3.4.1.22")]
    [InlineData("2.16.840.1.101.3.4.1.42")]
    [InlineData("1.2.840.113549.3.7")]
    public void Read_request_encrypted_with_aes_or_3des_yields_the_plaintext(string cipherOid)
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var csr = client.Csr("challenge");
        var nonce = RandomNumberGenerator.GetBytes(16);

        var result = ScepMessageReader.Read(client.Message(ScepMessageType.PkcsReq, csr, ra.EncryptionCertificate, "tx-1", nonce, cipherOid), ra, allowSingleDes: false);

        Assert.NotNull(result.Request);
        Assert.Equal(csr, result.Request.MessageData);
        Assert.Equal(cipherOid, result.Request.Cipher.Oid);
        Assert.Equal(nonce, result.Request.Transaction.SenderNonce);
        Assert.Equal("tx-1", result.Request.Transaction.TransactionId);
    }

    [Fact]
    public void Read_3des_request_with_3des_turned_off_fails_with_badAlg()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var message = client.Message(ScepMessageType.PkcsReq, client.Csr(), ra.EncryptionCertificate, "tx-3des", RandomNumberGenerator.GetBytes(16), "1.2.840.113549.3.7");

        var result = ScepMessageReader.Read(message, ra, allowSingleDes: false, allowTripleDes: false);

        Assert.Equal(ScepFailInfo.BadAlg, result.FailInfo);
        Assert.Contains("AllowTripleDes", result.Error);
    }

    [Fact]
    public void Read_request_encrypted_to_another_ra_fails_with_badMessageCheck()
    {
        var client = new TestScepClient();
        var message = client.Message(ScepMessageType.PkcsReq, client.Csr(), TestRa.Generate("CN=Other RA").EncryptionCertificate, "tx-2", RandomNumberGenerator.GetBytes(16));

        var result = ScepMessageReader.Read(message, TestRa.Generate(), allowSingleDes: false);

        Assert.Null(result.Request);
        Assert.Equal(ScepFailInfo.BadMessageCheck, result.FailInfo);
        Assert.Contains("GetCACert", result.Error);
    }

    [Fact]
    public void Read_request_digested_with_md5_fails_with_badAlg()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var message = client.Message(ScepMessageType.PkcsReq, client.Csr(), ra.EncryptionCertificate, "tx-3", RandomNumberGenerator.GetBytes(16), digestOid: "1.2.840.113549.2.5");

        var result = ScepMessageReader.Read(message, ra, allowSingleDes: false);

        Assert.Equal(ScepFailInfo.BadAlg, result.FailInfo);
        Assert.NotNull(result.Transaction);
    }

    [Fact]
    public void Read_certrep_sent_as_a_request_fails_with_badRequest()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var message = client.Message(ScepMessageType.CertRep, client.Csr(), ra.EncryptionCertificate, "tx-4", RandomNumberGenerator.GetBytes(16));

        var result = ScepMessageReader.Read(message, ra, allowSingleDes: false);

        Assert.Equal(ScepFailInfo.BadRequest, result.FailInfo);
    }

    [Fact]
    public void Read_request_with_a_short_nonce_fails_without_a_transaction()
    {
        var ra = TestRa.Generate();
        var client = new TestScepClient();
        var message = client.Message(ScepMessageType.PkcsReq, client.Csr(), ra.EncryptionCertificate, "tx-5", [1, 2, 3]);

        var result = ScepMessageReader.Read(message, ra, allowSingleDes: false);

        Assert.Null(result.Transaction);
        Assert.Contains("senderNonce", result.Error);
    }

    private static IEnumerable<byte[]> Slices(byte[] data, int length)
    {
        for (var i = 0; i + length <= data.Length; i++) yield return data[i..(i + length)];
    }
}
