using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Protocols.Scep;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Scep.Tests;

public sealed class ScepServiceTests
{
    private const string CredentialId = "abcdefghij012345";
    private static readonly string Secret = CredentialId + new string('A', 44);

    private readonly FakePort _port = new();
    private readonly TestRa _ra = TestRa.Generate();
    private readonly TestScepClient _client = new();

    public ScepServiceTests() => _port.Secrets[CredentialId] = Secret;

    private readonly Gateway.Protocols.Common.CredentialFailureLimiter _failures = new(3, TimeSpan.FromMinutes(5));

    private ScepService Service(bool allowDes = false, bool keyHashTransactionIds = false) =>
        new(_port, _ra, TestWebhooks.None, _failures, Options.Create(new ScepOptions { AllowSingleDes = allowDes, RequireKeyHashTransactionId = keyHashTransactionIds }),
            NullLogger<ScepService>.Instance);

    private byte[] PkcsReq(string? challenge, string transactionId = "tx-100", Org.BouncyCastle.Asn1.DerObjectIdentifier? _ = null) =>
        _client.Message(ScepMessageType.PkcsReq, _client.Csr(challenge), _ra.EncryptionCertificate, transactionId, RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task HandleAsync_pkcsreq_with_a_valid_challenge_enrolls_and_answers_success_with_the_certificate_first()
    {
        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(Secret), null);

        var enrollment = Assert.Single(_port.Enrollments);
        Assert.Equal(EnrollmentProtocol.Scep, enrollment.Protocol);
        Assert.Equal(AuthenticationMethods.ChallengePassword, enrollment.Requester.AuthenticationMethod);
        Assert.Equal(CredentialId, enrollment.Requester.Principal);
        Assert.StartsWith("key-", enrollment.TransactionId);
        Assert.EndsWith(":tx-100", enrollment.TransactionId);
        Assert.Null(enrollment.RenewalOf);
        var read = _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate);
        Assert.Equal("0", read.Status);
        var certificates = new Org.BouncyCastle.Cms.CmsSignedData(read.Content).GetCertificates().EnumerateMatches(null).ToList();
        var issued = (IssuedOutcome)_port.Outcomes[enrollment.TransactionId];
        Assert.Equal(issued.Certificate, certificates[0].GetEncoded());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-challenge")]
    [InlineData("abcdefghij012345BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")]
    public async Task HandleAsync_pkcsreq_without_a_valid_challenge_fails_with_badRequest_and_enrolls_nothing(string? challenge)
    {
        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(challenge), null);

        Assert.Empty(_port.Enrollments);
        var read = _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate);
        Assert.Equal(("2", "2"), (read.Status, read.FailInfo));
    }

    [Fact]
    public async Task HandleAsync_transaction_id_that_is_no_key_hash_is_refused_only_when_the_option_asks_for_it()
    {
        var reply = await Service(keyHashTransactionIds: true).HandleAsync(_port.Profile, PkcsReq(Secret, "tx-100"), null);

        Assert.Empty(_port.Enrollments);
        var read = _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate);
        Assert.Equal(("2", "2"), (read.Status, read.FailInfo));

        await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-100"), null);
        Assert.Single(_port.Enrollments);
    }

    [Theory]
    [InlineData("micromdm")]
    [InlineData("sscep")]
    [InlineData("sha256-spki-hex")]
    [InlineData("sha1-base64url")]
    public async Task HandleAsync_transaction_id_that_hashes_the_key_enrolls_when_the_option_asks_for_it(string form)
    {
        var spki = _client.Key.ExportSubjectPublicKeyInfo();
        var bits = _client.Key.ExportRSAPublicKey();
        var transactionId = form switch
        {
            "micromdm" => Convert.ToBase64String(SHA256.HashData(bits)[..20]),
            "sscep" => Convert.ToHexString(MD5.HashData(bits)),
            "sha1-base64url" => Convert.ToBase64String(SHA1.HashData(spki)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            _ => Convert.ToHexStringLower(SHA256.HashData(spki)),
        };

        var reply = await Service(keyHashTransactionIds: true).HandleAsync(_port.Profile, PkcsReq(Secret, transactionId), null);

        Assert.Single(_port.Enrollments);
        Assert.Equal("0", _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate).Status);
    }

    [Fact]
    public async Task HandleAsync_address_whose_messages_keep_failing_is_refused_unread_with_429_others_are_not()
    {
        var attacker = System.Net.IPAddress.Parse("192.0.2.66");
        var otherRa = TestRa.Generate(); // encrypted to another RA: verifies, then does not decrypt (RSA work for nothing)
        for (var i = 0; i < 3; i++)
        {
            var garbage = _client.Message(ScepMessageType.PkcsReq, _client.Csr(Secret), otherRa.EncryptionCertificate, $"tx-g{i}", RandomNumberGenerator.GetBytes(16));
            var failed = await Service().HandleAsync(_port.Profile, garbage, attacker);
            Assert.Equal(("2", "1"), (_client.ReadCertRep(failed.CertRep!, _ra.SigningCertificate).Status, _client.ReadCertRep(failed.CertRep!, _ra.SigningCertificate).FailInfo));
        }

        var refused = await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-after"), attacker);
        var elsewhere = await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-elsewhere"), System.Net.IPAddress.Parse("192.0.2.67"));

        Assert.Equal(429, refused.HttpStatus);
        Assert.Null(refused.CertRep);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.Equal("0", _client.ReadCertRep(elsewhere.CertRep!, _ra.SigningCertificate).Status);
        Assert.Single(_port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_undecodable_messages_count_as_failures_of_their_address()
    {
        var attacker = System.Net.IPAddress.Parse("198.51.100.9");
        for (var i = 0; i < 3; i++) Assert.Equal(400, (await Service().HandleAsync(_port.Profile, [0x30, 0x03, 0x02, 0x01, (byte)i], attacker)).HttpStatus);

        Assert.Equal(429, (await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-late"), attacker)).HttpStatus);
        Assert.Empty(_port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_pkcsreq_signed_with_another_key_than_the_csr_fails_with_badMessageCheck()
    {
        var other = new TestScepClient();
        var message = _client.Message(ScepMessageType.PkcsReq, _client.Csr(Secret), _ra.EncryptionCertificate, "tx-101", RandomNumberGenerator.GetBytes(16),
            signer: other.SelfSigned, signerKey: other.Key);

        var reply = await Service().HandleAsync(_port.Profile, message, null);

        Assert.Empty(_port.Enrollments);
        var read = other.ReadCertRep(reply.CertRep!, _ra.SigningCertificate);
        Assert.Equal(("2", "1"), (read.Status, read.FailInfo));
    }

    [Fact]
    public async Task HandleAsync_pkcsreq_signed_with_an_ecdsa_key_gets_the_certificate_by_ecdh_key_agreement()
    {
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecCsr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ec-device", ecKey, HashAlgorithmName.SHA256);
        var challenge = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        challenge.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, Secret);
        ecCsr.OtherRequestAttributes.Add(new AsnEncodedData("1.2.840.113549.1.9.7", challenge.Encode()));
        using var ecSigner = ecCsr.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var message = EcMessage(ecCsr.CreateSigningRequest(), ecSigner, ecKey);

        var reply = await Service().HandleAsync(_port.Profile, message, null);

        var enrollment = Assert.Single(_port.Enrollments);
        var signed = new Org.BouncyCastle.Cms.CmsSignedData(reply.CertRep);
        var signer = signed.GetSignerInfos().GetSigners().Single();
        Assert.True(signer.Verify(new Org.BouncyCastle.X509.X509Certificate(_ra.SigningCertificate.RawData)));
        Assert.Equal("0", ((Org.BouncyCastle.Asn1.DerPrintableString)signer.SignedAttributes[new Org.BouncyCastle.Asn1.DerObjectIdentifier("2.16.840.1.113733.1.9.3")].AttrValues[0]).GetString());
        using var content = new MemoryStream();
        signed.SignedContent.Write(content);
        byte[] degenerateByOpenSsl;
        // OpenSSL's CMS (another implementation than the one that sealed it) opens the envelope with the device's key.
        // (BouncyCastle 2.7's CMS derives another key-encryption key for dhSinglePass-stdDH-sha*kdf than OpenSSL does,
        // so it is not the reference here; the gateway writes RFC 5753's ECC-CMS-SharedInfo itself.)
        var dir = Directory.CreateTempSubdirectory("scep-ec-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "env.der"), content.ToArray());
            File.WriteAllText(Path.Combine(dir, "device.pem"), ecSigner.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "device.key"), ecKey.ExportPkcs8PrivateKeyPem());
            var openssl = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("openssl",
                ["cms", "-decrypt", "-inform", "DER", "-in", "env.der", "-recip", "device.pem", "-inkey", "device.key", "-binary", "-out", "out.der"])
            { WorkingDirectory = dir, RedirectStandardError = true })!;
            var error = await openssl.StandardError.ReadToEndAsync();
            await openssl.WaitForExitAsync();
            Assert.True(openssl.ExitCode == 0, error);
            degenerateByOpenSsl = File.ReadAllBytes(Path.Combine(dir, "out.der"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        var recipient = new Org.BouncyCastle.Cms.CmsEnvelopedData(content.ToArray()).GetRecipientInfos().GetRecipients().Single();
        Assert.IsType<Org.BouncyCastle.Cms.KeyAgreeRecipientInformation>(recipient);
        var issued = new Org.BouncyCastle.Cms.CmsSignedData(degenerateByOpenSsl).GetCertificates().EnumerateMatches(null).First();
        Assert.Equal(((IssuedOutcome)_port.Outcomes[enrollment.TransactionId]).Certificate, issued.GetEncoded());
    }

    private byte[] EcMessage(byte[] csr, System.Security.Cryptography.X509Certificates.X509Certificate2 signer, ECDsa key)
    {
        var envelope = new System.Security.Cryptography.Pkcs.EnvelopedCms(new System.Security.Cryptography.Pkcs.ContentInfo(csr));
        envelope.Encrypt(new System.Security.Cryptography.Pkcs.CmsRecipient(_ra.EncryptionCertificate));
        var cms = new System.Security.Cryptography.Pkcs.SignedCms(new System.Security.Cryptography.Pkcs.ContentInfo(envelope.Encode()));
        var cmsSigner = new System.Security.Cryptography.Pkcs.CmsSigner(System.Security.Cryptography.Pkcs.SubjectIdentifierType.IssuerAndSerialNumber, signer, key);
        AsnEncodedData Printable(string oid, string value)
        {
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, value);
            return new AsnEncodedData(oid, writer.Encode());
        }
        var nonce = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        nonce.WriteOctetString(RandomNumberGenerator.GetBytes(16));
        cmsSigner.SignedAttributes.Add(Printable("2.16.840.1.113733.1.9.2", "19"));
        cmsSigner.SignedAttributes.Add(Printable("2.16.840.1.113733.1.9.7", "tx-ec"));
        cmsSigner.SignedAttributes.Add(new AsnEncodedData("2.16.840.1.113733.1.9.5", nonce.Encode()));
        cms.ComputeSignature(cmsSigner);
        return cms.Encode();
    }

    [Fact]
    public async Task HandleAsync_renewalreq_signed_by_a_self_signed_certificate_fails_with_badMessageCheck()
    {
        var message = _client.Message(ScepMessageType.RenewalReq, _client.Csr(), _ra.EncryptionCertificate, "tx-102", RandomNumberGenerator.GetBytes(16));

        var reply = await Service().HandleAsync(_port.Profile, message, null);

        Assert.Empty(_port.Enrollments);
        Assert.Equal(("2", "1"), (_client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate) is var r ? (r.Status, r.FailInfo) : default));
    }

    [Theory]
    [InlineData(ScepMessageType.RenewalReq)]
    [InlineData(ScepMessageType.PkcsReq)]
    public async Task HandleAsync_request_signed_by_a_gateway_certificate_is_a_renewal_without_challenge(ScepMessageType type)
    {
        var current = _port.IssueGatewayCertificate(_client.Key, "CN=device-0001");
        var message = _client.Message(type, _client.Csr(), _ra.EncryptionCertificate, "tx-103", RandomNumberGenerator.GetBytes(16),
            signer: current, signerKey: _client.Key);

        var reply = await Service().HandleAsync(_port.Profile, message, null);

        var enrollment = Assert.Single(_port.Enrollments);
        Assert.Equal(current.SerialNumber.ToLowerInvariant(), enrollment.RenewalOf);
        Assert.Equal(AuthenticationMethods.Signature, enrollment.Requester.AuthenticationMethod);
        Assert.StartsWith("renew-" + current.SerialNumber.ToLowerInvariant() + ":", enrollment.TransactionId);
        Assert.Equal("0", _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate).Status);
    }

    [Fact]
    public async Task HandleAsync_pending_enrollment_is_polled_with_certpoll_until_issued()
    {
        _port.Decide = request => new PendingOutcome(request.EnrollmentKey, TimeSpan.FromMinutes(1), "manual approval");
        var first = await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-104"), null);
        Assert.Equal("3", _client.ReadCertRep(first.CertRep!, _ra.SigningCertificate).Status);

        var poll = _client.Message(ScepMessageType.CertPoll, IssuerAndSubject(), _ra.EncryptionCertificate, "tx-104", RandomNumberGenerator.GetBytes(16));
        Assert.Equal("3", _client.ReadCertRep((await Service().HandleAsync(_port.Profile, poll, null)).CertRep!, _ra.SigningCertificate).Status);

        var key = Assert.Single(_port.Enrollments).TransactionId;
        _port.Outcomes[key] = _port.Issue(_port.Enrollments[0]);
        var again = _client.Message(ScepMessageType.CertPoll, IssuerAndSubject(), _ra.EncryptionCertificate, "tx-104", RandomNumberGenerator.GetBytes(16));
        Assert.Equal("0", _client.ReadCertRep((await Service().HandleAsync(_port.Profile, again, null)).CertRep!, _ra.SigningCertificate).Status);
    }

    [Fact]
    public async Task HandleAsync_certpoll_from_another_key_for_the_same_transaction_fails_with_badCertId()
    {
        _port.Decide = request => new PendingOutcome(request.EnrollmentKey, TimeSpan.FromMinutes(1), "manual approval");
        await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-105"), null);

        var intruder = new TestScepClient();
        var poll = intruder.Message(ScepMessageType.CertPoll, IssuerAndSubject(), _ra.EncryptionCertificate, "tx-105", RandomNumberGenerator.GetBytes(16));
        var read = intruder.ReadCertRep((await Service().HandleAsync(_port.Profile, poll, null)).CertRep!, _ra.SigningCertificate);

        Assert.Equal(("2", "4"), (read.Status, read.FailInfo));
    }

    [Theory]
    [InlineData(RejectionReason.PolicyDenied, "2")]
    [InlineData(RejectionReason.BadAlgorithm, "0")]
    [InlineData(RejectionReason.BadRenewal, "4")]
    public async Task HandleAsync_rejected_enrollment_answers_failure_with_the_mapped_failInfo(RejectionReason reason, string failInfo)
    {
        _port.Decide = request => new RejectedOutcome(request.EnrollmentKey, reason, "refused", []);

        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(Secret), null);

        var read = _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate);
        Assert.Equal(("2", failInfo), (read.Status, read.FailInfo));
    }

    [Fact]
    public async Task HandleAsync_bytes_that_are_no_pkimessage_get_http_400()
    {
        var reply = await Service().HandleAsync(_port.Profile, Testdata.Bytes("scep-random-bytes.p7"), null);

        Assert.Null(reply.CertRep);
        Assert.Equal(400, reply.HttpStatus);
    }

    [Fact]
    public async Task HandleAsync_getcert_returns_the_certificate_to_its_key_holder_and_badCertId_to_a_stranger()
    {
        await Service().HandleAsync(_port.Profile, PkcsReq(Secret, "tx-106"), null);
        var issued = (IssuedOutcome)_port.Outcomes.Values.Single();
        _port.Inventory[issued.Serial] = new Contracts.Inventory.CertificateInfo(issued.Serial, _client.Subject, [], "CN=Test Issuing CA",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), Contracts.Inventory.CertificateStatus.Valid, "mdm-device", EnrollmentProtocol.Scep,
            "challenge-password:" + CredentialId, "", issued.Certificate, null, null, issued.EnrollmentId);
        var query = IssuerAndSerial(issued.Serial);

        var own = _client.Message(ScepMessageType.GetCert, query, _ra.EncryptionCertificate, "tx-107", RandomNumberGenerator.GetBytes(16));
        var read = _client.ReadCertRep((await Service().HandleAsync(_port.Profile, own, null)).CertRep!, _ra.SigningCertificate);
        Assert.Equal("0", read.Status);
        Assert.Equal(issued.Certificate, new Org.BouncyCastle.Cms.CmsSignedData(read.Content).GetCertificates().EnumerateMatches(null).Single().GetEncoded());

        var stranger = new TestScepClient();
        var theirs = stranger.Message(ScepMessageType.GetCert, query, _ra.EncryptionCertificate, "tx-108", RandomNumberGenerator.GetBytes(16));
        var refused = stranger.ReadCertRep((await Service().HandleAsync(_port.Profile, theirs, null)).CertRep!, _ra.SigningCertificate);
        Assert.Equal(("2", "4"), (refused.Status, refused.FailInfo));
    }

    [Fact]
    public async Task HandleAsync_getcrl_for_another_issuer_fails_with_badCertId()
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName("CN=Somebody Else").RawData);
            writer.WriteInteger(5);
        }
        var message = _client.Message(ScepMessageType.GetCrl, writer.Encode(), _ra.EncryptionCertificate, "tx-109", RandomNumberGenerator.GetBytes(16));

        var read = _client.ReadCertRep((await Service().HandleAsync(_port.Profile, message, null)).CertRep!, _ra.SigningCertificate);

        Assert.Equal(("2", "4"), (read.Status, read.FailInfo));
    }

    private byte[] IssuerAndSerial(string serialHex)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(_port.CaCertificate.SubjectName.RawData);
            writer.WriteIntegerUnsigned(Convert.FromHexString(serialHex));
        }
        return writer.Encode();
    }

    private byte[] IssuerAndSubject()
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(_port.CaCertificate.SubjectName.RawData);
            writer.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName(_client.Subject).RawData);
        }
        return writer.Encode();
    }
}
