using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Inventory;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace Gateway.Protocols.Cmp.Tests;

public sealed class CmpServiceTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private sealed record Setup(CmpService Service, FakePort Port, TestIdentity Identity, string CredentialId, string Secret, CredentialFailureLimiter Failures);

    private static Setup Create(string recorded, Action<CmpOptions>? configure = null, DateTimeOffset? now = null)
    {
        var port = new FakePort(Testdata.Chain());
        var (id, secret) = Testdata.Credential();
        port.Secrets[id] = secret;
        var options = new CmpOptions();
        configure?.Invoke(options);
        var identity = new TestIdentity();
        var failures = new CredentialFailureLimiter(3, TimeSpan.FromMinutes(5));
        var service = new CmpService(port, new CmpResponder(identity), new CmpTrustAnchors(Options.Create(options)), failures, Options.Create(options),
            new FixedTime(now ?? Testdata.TimeOf(recorded)), NullLogger<CmpService>.Instance);
        return new Setup(service, port, identity, id, secret, failures);
    }

    private static async Task<PkiMessage> SendAsync(Setup setup, byte[] request)
    {
        var reply = await setup.Service.HandleAsync(setup.Port.Profile, request, Client);
        Assert.NotNull(reply.Message);
        return PkiMessage.GetInstance(Asn1Object.FromByteArray(reply.Message));
    }

    private static byte[] Protected(PkiMessage message) => new DerSequence(message.Header, message.Body).GetEncoded(Asn1Encodable.Der);

    private static void AssertMacProtected(PkiMessage response, string secret) =>
        Assert.True(CmpMac.Verify(response.Header.ProtectionAlg, CredentialSecrets.MacKey(secret), Protected(response), response.Protection.GetOctets(), int.MaxValue),
            "the response is MAC-protected with the request's secret");

    private static void AssertSigned(PkiMessage response, TestIdentity identity)
    {
        Assert.Equal(PkcsObjectIdentifiers.Sha256WithRsaEncryption, response.Header.ProtectionAlg.Algorithm);
        using var key = identity.Certificate.GetRSAPublicKey()!;
        Assert.True(key.VerifyData(Protected(response), response.Protection.GetOctets(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "signed by the responder");
        Assert.Equal(identity.Certificate.RawData, response.GetExtraCerts()[0].GetEncoded(Asn1Encodable.Der));
        Assert.Equal(identity.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(),
            response.Header.SenderKID.GetOctets());
    }

    /// <summary>The answer echoes the transaction and answers the request's nonce.</summary>
    private static void AssertEchoes(PkiMessage request, PkiMessage response)
    {
        Assert.Equal(request.Header.TransactionID.GetOctets(), response.Header.TransactionID.GetOctets());
        Assert.Equal(request.Header.SenderNonce.GetOctets(), response.Header.RecipNonce.GetOctets());
        Assert.Equal(16, response.Header.SenderNonce.GetOctets().Length);
        Assert.NotNull(response.Header.MessageTime);
    }

    private static void AssertError(PkiMessage response, CmpFailureInfo expected)
    {
        Assert.Equal(CmpBodies.Error, response.Body.Type);
        var status = ErrorMsgContent.GetInstance(response.Body.Content).PkiStatusInfo;
        Assert.Equal((int)PkiStatus.Rejection, status.Status.IntValueExact);
        Assert.Equal(CmpBodies.FailureBits(expected), status.FailInfo.IntValue);
    }

    private static CertResponse OnlyResponse(PkiMessage response) => CertRepMessage.GetInstance(response.Body.Content).GetResponse().Single();

    [Fact]
    public async Task HandleAsync_ir_with_mac_enrolls_the_template_and_answers_ip_protected_with_the_same_secret()
    {
        var setup = Create("ir-mac.der");
        var request = Testdata.Message("ir-mac.der");

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));

        var enrollment = Assert.Single(setup.Port.Enrollments);
        Assert.Equal(EnrollmentProtocol.Cmp, enrollment.Protocol);
        Assert.Equal(new Requester(AuthenticationMethods.SharedSecretMac, setup.CredentialId), enrollment.Requester);
        Assert.Equal($"mac-{setup.CredentialId}:{Convert.ToHexStringLower(request.Header.TransactionID.GetOctets())}", enrollment.TransactionId);
        Assert.Null(enrollment.Csr);
        Assert.True(enrollment.RequiresConfirmation, "no implicitConfirm was asked: the certificate awaits certConf");
        Assert.Equal("CN=device1.test", new X500DistinguishedName(enrollment.Template!.Subject!).Name);
        Assert.Equal([SubjectAltName.Dns("device1.test")], enrollment.Template.SubjectAltNames);

        Assert.Equal(CmpBodies.Ip, response.Body.Type);
        AssertEchoes(request, response);
        AssertMacProtected(response, setup.Secret);
        var certResponse = OnlyResponse(response);
        Assert.Equal(0, certResponse.CertReqID.IntValueExact);
        Assert.Equal((int)PkiStatus.Granted, certResponse.Status.Status.IntValueExact);
        var issued = certResponse.CertifiedKeyPair.CertOrEncCert.Certificate.GetEncoded(Asn1Encodable.Der);
        var certificate = X509CertificateLoader.LoadCertificate(issued);
        Assert.Equal(enrollment.Template.SubjectPublicKeyInfo, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Null(response.Header.GetGeneralInfo()); // no implicitConfirm granted
        // The chain in extraCerts, the root in caPubs for a client that has no anchor yet.
        var extra = response.GetExtraCerts().Select(c => c.GetEncoded(Asn1Encodable.Der)).ToList();
        Assert.Equal(setup.Port.Chain, extra);
        Assert.Equal(setup.Port.Chain[^1], CertRepMessage.GetInstance(response.Body.Content).GetCAPubs().Single().GetEncoded(Asn1Encodable.Der));
    }

    [Fact]
    public async Task HandleAsync_implicit_confirm_is_granted_when_asked_and_echoed_in_generalInfo()
    {
        var setup = Create("ir-mac-implicit.der");

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac-implicit.der"));

        Assert.False(Assert.Single(setup.Port.Enrollments).RequiresConfirmation);
        Assert.Equal(CmpBodies.Ip, response.Body.Type);
        var info = Assert.Single(response.Header.GetGeneralInfo());
        Assert.Equal(CmpObjectIdentifiers.it_implicitConfirm, info.InfoType);
    }

    [Fact]
    public async Task HandleAsync_implicit_confirm_is_not_granted_where_the_profile_does_not_allow_it()
    {
        var setup = Create("ir-mac-implicit.der", o => o.ProfileImplicitConfirm["network-element"] = false);

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac-implicit.der"));

        Assert.True(Assert.Single(setup.Port.Enrollments).RequiresConfirmation);
        Assert.Null(response.Header.GetGeneralInfo());
    }

    [Fact]
    public async Task HandleAsync_certConf_with_the_delivered_certificate_hash_confirms_it_and_answers_pkiConf()
    {
        var setup = Create("certconf-mac.der");
        var issued = Testdata.Certificate("ir-mac-issued.pem");
        var key = $"mac-{setup.CredentialId}:{Convert.ToHexStringLower(Testdata.Message("certconf-mac.der").Header.TransactionID.GetOctets())}";
        var serial = FakePort.Canonical(issued);
        setup.Port.Outcomes[key] = new AwaitingConfirmationOutcome("e", serial, issued.RawData, setup.Port.Chain, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5));

        var response = await SendAsync(setup, Testdata.Bytes("certconf-mac.der"));

        Assert.Equal(CmpBodies.PkiConf, response.Body.Type);
        AssertMacProtected(response, setup.Secret);
        Assert.Equal([serial], setup.Port.Confirmed);
    }

    [Fact]
    public async Task HandleAsync_certConf_whose_hash_is_not_of_the_delivered_certificate_is_refused_badCertId()
    {
        var setup = Create("certconf-mac.der");
        var other = Testdata.Certificate("signer.pem");
        var key = $"mac-{setup.CredentialId}:{Convert.ToHexStringLower(Testdata.Message("certconf-mac.der").Header.TransactionID.GetOctets())}";
        setup.Port.Outcomes[key] = new AwaitingConfirmationOutcome("e", FakePort.Canonical(other), other.RawData, setup.Port.Chain, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5));

        var response = await SendAsync(setup, Testdata.Bytes("certconf-mac.der"));

        AssertError(response, CmpFailureInfo.BadCertId);
        Assert.Empty(setup.Port.Confirmed);
    }

    [Fact]
    public async Task HandleAsync_certConf_for_a_transaction_never_started_is_refused()
    {
        var setup = Create("certconf-mac.der");

        var response = await SendAsync(setup, Testdata.Bytes("certconf-mac.der"));

        AssertError(response, CmpFailureInfo.BadRequest);
        AssertMacProtected(response, setup.Secret);
    }

    [Fact]
    public async Task HandleAsync_p10cr_enrolls_the_csr_and_answers_cp_with_certReqId_minus_one()
    {
        var setup = Create("p10cr-mac.der");

        var response = await SendAsync(setup, Testdata.Bytes("p10cr-mac.der"));

        var enrollment = Assert.Single(setup.Port.Enrollments);
        Assert.NotNull(enrollment.Csr);
        Assert.Null(enrollment.Template);
        Assert.Equal(CmpBodies.Cp, response.Body.Type);
        Assert.Equal(-1, OnlyResponse(response).CertReqID.IntValueExact);
    }

    [Fact]
    public async Task HandleAsync_cr_signed_by_a_gateway_certificate_enrolls_by_signature_and_the_answer_is_signed()
    {
        var setup = Create("cr-signature.der");
        var signer = Testdata.Certificate("signer.pem");
        setup.Port.GatewayCertificates[FakePort.Canonical(signer)] = "CN=router1.test";

        var response = await SendAsync(setup, Testdata.Bytes("cr-signature.der"));

        var enrollment = Assert.Single(setup.Port.Enrollments);
        Assert.Equal(AuthenticationMethods.Signature, enrollment.Requester.AuthenticationMethod);
        Assert.StartsWith("sig-", enrollment.TransactionId, StringComparison.Ordinal);
        Assert.Null(enrollment.RenewalOf);
        Assert.Equal(CmpBodies.Cp, response.Body.Type);
        AssertSigned(response, setup.Identity);
        AssertEchoes(Testdata.Message("cr-signature.der"), response);
    }

    [Fact]
    public async Task HandleAsync_cr_signed_by_a_certificate_nobody_vouches_for_is_refused_signerNotTrusted()
    {
        var setup = Create("cr-signature.der");

        var response = await SendAsync(setup, Testdata.Bytes("cr-signature.der"));

        AssertError(response, CmpFailureInfo.SignerNotTrusted);
        AssertSigned(response, setup.Identity);
        Assert.Empty(setup.Port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_kur_signed_by_the_current_certificate_renews_it_and_answers_kup()
    {
        var setup = Create("kur-signature.der");
        var signer = Testdata.Certificate("signer.pem");
        setup.Port.GatewayCertificates[FakePort.Canonical(signer)] = "CN=router1.test";

        var response = await SendAsync(setup, Testdata.Bytes("kur-signature.der"));

        Assert.Equal(FakePort.Canonical(signer), Assert.Single(setup.Port.Enrollments).RenewalOf);
        Assert.Equal(CmpBodies.Kup, response.Body.Type);
    }

    [Fact]
    public async Task HandleAsync_rr_signed_by_the_certificate_revokes_it_with_the_reason_asked()
    {
        var setup = Create("rr-signature.der");
        var target = Testdata.Certificate("rr-target.pem");
        var serial = FakePort.Canonical(target);
        setup.Port.GatewayCertificates[serial] = "CN=device3.test";
        setup.Port.Inventory[serial] = new CertificateInfo(serial, target.Subject, [], target.Issuer, target.NotBefore, target.NotAfter,
            CertificateStatus.Valid, "network-element", EnrollmentProtocol.Cmp, "signature:CN=router1.test", "", target.RawData, null, null, "e");

        var response = await SendAsync(setup, Testdata.Bytes("rr-signature.der"));

        Assert.Equal(CmpBodies.Rp, response.Body.Type);
        Assert.Equal((int)PkiStatus.Granted, RevRepContent.GetInstance(response.Body.Content).GetStatus().Single().Status.IntValueExact);
        Assert.Equal([(serial, RevocationReason.Superseded)], setup.Port.Revoked);
    }

    [Fact]
    public async Task HandleAsync_rr_for_another_certificate_than_the_signer_is_refused_notAuthorized()
    {
        var setup = Create("rr-signature.der");
        var target = Testdata.Certificate("rr-target.pem");
        var serial = FakePort.Canonical(target);
        setup.Port.GatewayCertificates[serial] = "CN=device3.test";
        // The inventory holds the certificate, but under another profile: not revocable through this one.
        setup.Port.Inventory[serial] = new CertificateInfo(serial, target.Subject, [], target.Issuer, target.NotBefore, target.NotAfter,
            CertificateStatus.Valid, "iot-device", EnrollmentProtocol.Est, "http-basic:x", "", target.RawData, null, null, "e");

        var response = await SendAsync(setup, Testdata.Bytes("rr-signature.der"));

        AssertError(response, CmpFailureInfo.BadCertId);
        Assert.Empty(setup.Port.Revoked);
    }

    [Fact]
    public async Task HandleAsync_genm_for_ca_certificates_answers_the_chain()
    {
        var setup = Create("genm-cacerts-mac.der");

        var response = await SendAsync(setup, Testdata.Bytes("genm-cacerts-mac.der"));

        Assert.Equal(CmpBodies.Genp, response.Body.Type);
        var answer = GenRepContent.GetInstance(response.Body.Content).ToInfoTypeAndValueArray().Single();
        Assert.Equal("1.3.6.1.5.5.7.4.17", answer.InfoType.Id);
        var certificates = Asn1Sequence.GetInstance(answer.InfoValue).Cast<Asn1Encodable>().Select(c => c.GetEncoded(Asn1Encodable.Der)).ToList();
        Assert.Equal(setup.Port.Chain, certificates);
    }

    [Fact]
    public async Task HandleAsync_genm_for_ca_certificates_after_a_ca_rollover_answers_the_earlier_generation_too()
    {
        var setup = Create("genm-cacerts-mac.der");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Gateway Issuing CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        using var earlier = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var profile = new EnrollmentProfile(setup.Port.Profile.Summary with { EarlierIssuerCertificates = [earlier.RawData] });

        var reply = await setup.Service.HandleAsync(profile, Testdata.Bytes("genm-cacerts-mac.der"), Client);

        // Certificates the earlier generation issued are still valid: a client needs its certificate to build their chains.
        var response = PkiMessage.GetInstance(Asn1Object.FromByteArray(reply.Message!));
        var answer = GenRepContent.GetInstance(response.Body.Content).ToInfoTypeAndValueArray().Single();
        var certificates = Asn1Sequence.GetInstance(answer.InfoValue).Cast<Asn1Encodable>().Select(c => c.GetEncoded(Asn1Encodable.Der)).ToList();
        Assert.Equal([.. setup.Port.Chain, earlier.RawData], certificates);
    }

    [Fact]
    public async Task HandleAsync_genm_for_the_request_template_answers_the_profile_required_names_and_preferred_key()
    {
        var setup = Create("genm-cacerts-mac.der");
        var like = Testdata.Message("genm-cacerts-mac.der");
        var genm = new PkiBody(CmpBodies.Genm, new GenMsgContent(new InfoTypeAndValue(new DerObjectIdentifier("1.3.6.1.5.5.7.4.19"))));

        var response = await SendAsync(setup, MacRequest(like, genm, setup));

        Assert.Equal(CmpBodies.Genp, response.Body.Type);
        var answer = GenRepContent.GetInstance(response.Body.Content).ToInfoTypeAndValueArray().Single();
        Assert.Equal("1.3.6.1.5.5.7.4.19", answer.InfoType.Id);
        var content = Asn1Sequence.GetInstance(answer.InfoValue);
        var template = Org.BouncyCastle.Asn1.Crmf.CertTemplate.GetInstance(content[0]);
        Assert.Equal(["2.5.4.3"], template.Subject.GetOidList().Select(o => o.Id));
        Assert.Equal("", template.Subject.GetValueList()[0]);
        var keySpec = Org.BouncyCastle.Asn1.Crmf.AttributeTypeAndValue.GetInstance(Asn1Sequence.GetInstance(content[1])[0]);
        Assert.Equal("1.3.6.1.5.5.7.5.1.11", keySpec.Type.Id); // id-regCtrl-algId
        var algorithm = AlgorithmIdentifier.GetInstance(keySpec.Value);
        Assert.Equal("1.2.840.10045.2.1", algorithm.Algorithm.Id);
        Assert.Equal("1.2.840.10045.3.1.7", DerObjectIdentifier.GetInstance(algorithm.Parameters).Id); // P-256
    }

    [Fact]
    public async Task HandleAsync_pending_enrollment_answers_waiting_then_pollRep_then_the_certificate_after_approval()
    {
        var setup = Create("ir-mac.der");
        setup.Port.Decide = r => new PendingOutcome(r.EnrollmentKey, TimeSpan.FromSeconds(7), "awaiting approval");
        var ir = Testdata.Message("ir-mac.der");

        var waiting = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));
        Assert.Equal(CmpBodies.Ip, waiting.Body.Type);
        Assert.Equal((int)PkiStatus.Waiting, OnlyResponse(waiting).Status.Status.IntValueExact);

        var poll = MacRequest(ir, new PkiBody(CmpBodies.PollReq, new PollReqContent(DerInteger.Zero)), setup);
        var pollRep = await SendAsync(setup, poll);
        Assert.Equal(CmpBodies.PollRep, pollRep.Body.Type);
        AssertMacProtected(pollRep, setup.Secret);
        var checkAfter = Asn1Sequence.GetInstance(Asn1Sequence.GetInstance(pollRep.Body.Content)[0])[1];
        Assert.Equal(7, DerInteger.GetInstance(checkAfter).IntValueExact);

        // An admin approves: the next pollReq gets the ip with the certificate.
        var enrollment = setup.Port.Enrollments.Single();
        setup.Port.Outcomes[enrollment.TransactionId] = setup.Port.Issue(enrollment);
        var final = await SendAsync(setup, MacRequest(ir, new PkiBody(CmpBodies.PollReq, new PollReqContent(DerInteger.Zero)), setup));
        Assert.Equal(CmpBodies.Ip, final.Body.Type);
        Assert.NotNull(OnlyResponse(final).CertifiedKeyPair);
    }

    [Fact]
    public async Task HandleAsync_pbmac1_protected_request_is_verified_and_answered_with_pbmac1()
    {
        var setup = Create("ir-mac.der");
        var ir = Testdata.Message("ir-mac.der");
        var pbmac1 = new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbmac1, new Pbmac1Params(
            new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbkdf2, new Pbkdf2Params(RandomNumberGenerator.GetBytes(16), 1000, 32,
                new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance))),
            new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance)));

        var response = await SendAsync(setup, MacRequest(ir, ir.Body, setup, pbmac1));

        Assert.Equal(CmpBodies.Ip, response.Body.Type);
        Assert.Equal(PkcsObjectIdentifiers.IdPbmac1, response.Header.ProtectionAlg.Algorithm);
        AssertMacProtected(response, setup.Secret);
        // Independently of CmpMac: PBKDF2-HMAC-SHA256 then HMAC-SHA256 over the protected part.
        var parameters = Pbmac1Params.GetInstance(response.Header.ProtectionAlg.Parameters);
        var kdf = Pbkdf2Params.GetInstance(parameters.KeyDerivationFunc.Parameters);
        var key = Rfc2898DeriveBytes.Pbkdf2(CredentialSecrets.MacKey(setup.Secret), kdf.GetSalt(), kdf.IterationCount.IntValueExact, HashAlgorithmName.SHA256, 32);
        Assert.Equal(HMACSHA256.HashData(key, Protected(response)), response.Protection.GetOctets());
    }

    [Fact]
    public async Task HandleAsync_mac_with_more_iterations_than_allowed_is_refused_badAlg_before_hashing()
    {
        var setup = Create("ir-mac.der", o => o.MaxMacIterations = 100); // openssl uses 500

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));

        AssertError(response, CmpFailureInfo.BadAlg);
        Assert.Empty(setup.Port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_message_time_outside_the_tolerance_is_refused_badTime()
    {
        var setup = Create("ir-mac.der", now: Testdata.TimeOf("ir-mac.der").AddHours(1));

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));

        AssertError(response, CmpFailureInfo.BadTime);
        Assert.Empty(setup.Port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_transaction_id_reused_for_another_request_is_an_error_message_transactionIdInUse()
    {
        var setup = Create("ir-mac.der");
        setup.Port.Decide = r => new RejectedOutcome(r.EnrollmentKey, RejectionReason.TransactionIdInUse, "another request", []);

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));

        AssertError(response, CmpFailureInfo.TransactionIdInUse);
        AssertMacProtected(response, setup.Secret);
    }

    [Fact]
    public async Task HandleAsync_policy_refusal_comes_back_in_the_ip_status_with_the_rejection_map_failInfo()
    {
        var setup = Create("ir-mac.der");
        setup.Port.Decide = r => new RejectedOutcome(r.EnrollmentKey, RejectionReason.BadName, "device1.test is not allowed", []);

        var response = await SendAsync(setup, Testdata.Bytes("ir-mac.der"));

        Assert.Equal(CmpBodies.Ip, response.Body.Type);
        var status = OnlyResponse(response).Status;
        Assert.Equal((int)PkiStatus.Rejection, status.Status.IntValueExact);
        Assert.Equal(CmpBodies.FailureBits(CmpFailureInfo.BadCertTemplate), status.FailInfo.IntValue);
        Assert.Null(OnlyResponse(response).CertifiedKeyPair);
    }

    [Theory]
    [InlineData("malformed/not-der.der", CmpFailureInfo.BadDataFormat)]
    [InlineData("malformed/truncated-ir.der", CmpFailureInfo.BadDataFormat)]
    [InlineData("malformed/trailing-garbage-ir.der", CmpFailureInfo.BadDataFormat)]
    [InlineData("malformed/unknown-body-type.der", CmpFailureInfo.BadRequest)]
    [InlineData("malformed/pvno-1-ir.der", CmpFailureInfo.UnsupportedVersion)]
    [InlineData("malformed/unprotected-ir.der", CmpFailureInfo.BadMessageCheck)]
    [InlineData("malformed/missing-senderkid-ir.der", CmpFailureInfo.BadMessageCheck)]
    [InlineData("malformed/tampered-mac-ir.der", CmpFailureInfo.BadMessageCheck)]
    [InlineData("malformed/unknown-protection-alg-ir.der", CmpFailureInfo.BadAlg)]
    public async Task HandleAsync_malformed_request_gets_a_signed_error_and_nothing_is_enrolled(string file, CmpFailureInfo expected)
    {
        var setup = Create("ir-mac.der");

        var response = await SendAsync(setup, Testdata.Bytes(file));

        AssertError(response, expected);
        AssertSigned(response, setup.Identity); // no verified secret to MAC it with
        Assert.Empty(setup.Port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_address_whose_messages_keep_failing_is_refused_unread_with_429_others_are_not()
    {
        var setup = Create("ir-mac.der"); // the limiter allows 3 failures per window

        for (var i = 0; i < 3; i++) AssertError(await SendAsync(setup, Testdata.Bytes("malformed/tampered-mac-ir.der")), CmpFailureInfo.BadMessageCheck);
        var refused = await setup.Service.HandleAsync(setup.Port.Profile, Testdata.Bytes("ir-mac.der"), Client);
        var other = await setup.Service.HandleAsync(setup.Port.Profile, Testdata.Bytes("ir-mac.der"), IPAddress.Parse("198.51.100.7"));

        Assert.Null(refused.Message);
        Assert.Equal(429, refused.HttpStatus);
        Assert.NotNull(refused.RetryAfter);
        Assert.NotNull(other.Message);
        Assert.Single(setup.Port.Enrollments); // only the other address's request was enrolled
    }

    [Fact]
    public async Task HandleAsync_undecodable_messages_count_as_failures_of_their_address()
    {
        var setup = Create("ir-mac.der");

        for (var i = 0; i < 3; i++) AssertError(await SendAsync(setup, Testdata.Bytes("malformed/not-der.der")), CmpFailureInfo.BadDataFormat);

        Assert.True(setup.Failures.IsBlocked(Client, out _));
    }

    /// <summary>A request with <paramref name="body"/> in the transaction of <paramref name="like"/>, MAC-protected with the test credential.</summary>
    private static byte[] MacRequest(PkiMessage like, PkiBody body, Setup setup, AlgorithmIdentifier? algorithm = null)
    {
        algorithm ??= like.Header.ProtectionAlg;
        var header = new PkiHeaderBuilder(like.Header.Pvno.IntValueExact, like.Header.Sender, like.Header.Recipient)
            .SetMessageTime(like.Header.MessageTime)
            .SetTransactionID(like.Header.TransactionID.GetOctets())
            .SetSenderNonce(RandomNumberGenerator.GetBytes(16))
            .SetSenderKID(System.Text.Encoding.ASCII.GetBytes(setup.CredentialId))
            .SetProtectionAlg(algorithm)
            .Build();
        var protectedPart = new DerSequence(header, body).GetEncoded(Asn1Encodable.Der);
        var mac = CmpMac.Compute(algorithm, CredentialSecrets.MacKey(setup.Secret), protectedPart, int.MaxValue);
        return new PkiMessage(header, body, new DerBitString(mac)).GetEncoded(Asn1Encodable.Der);
    }
}
