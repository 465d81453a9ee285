using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Revocation;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcSerial = Org.BouncyCastle.Math.BigInteger;

namespace Gateway.Ca.Tests;

/// <summary>OCSP responses: structure, status, echoed CertID and nonce, delegated responder certificate, rotation.</summary>
public sealed class OcspResponseSignerTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private const string Sha1 = "1.3.14.3.2.26";

    private readonly CertificateAuthority _ca = fixture.Ca;

    private readonly ListRecorder _recorder = new();

    private OcspResponseSigner Signer(FakeTimeProvider time, TimeSpan? lifetime = null) => new(
        _ca, _recorder, Microsoft.Extensions.Options.Options.Create(new OcspOptions { SigningCertificateLifetime = lifetime ?? TimeSpan.FromDays(3) }),
        NullLogger<OcspResponseSigner>.Instance, time);

    private BcCertificate IssuerBc => new X509CertificateParser().ReadCertificate(_ca.GetIssuer("default").Certificate.RawData);

    private OcspCertificateRequest CertId(string hash, byte[] serial, byte[]? nonce = null)
    {
        CertID id = new CertificateID(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(new DerObjectIdentifier(hash), DerNull.Instance), IssuerBc,
            new BcSerial(serial)).ToAsn1Object();
        return new OcspCertificateRequest(id.HashAlgorithm.Algorithm.Id, id.IssuerNameHash.GetOctets(), id.IssuerKeyHash.GetOctets(), serial, nonce);
    }

    private static BasicOcspResp Basic(byte[] der)
    {
        var response = new OcspResp(der);
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        return Assert.IsType<BasicOcspResp>(response.GetResponseObject());
    }

    [Fact]
    public void Sign_good_isSignedByADelegatedResponderTheIssuerCertified()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var signer = Signer(time);
        byte[] serial = [0x3a, 0x01, 0x02];

        SignedOcspResponse signed = signer.Sign("default", CertId(Sha1, serial), OcspCertificateStatus.Good, TimeSpan.FromHours(1));

        BasicOcspResp basic = Basic(signed.Der);
        BcCertificate responder = Assert.Single(basic.GetCerts());
        Assert.True(basic.Verify(responder.GetPublicKey()));
        responder.Verify(IssuerBc.GetPublicKey());
        Assert.Contains("1.3.6.1.5.5.7.3.9", responder.GetExtendedKeyUsage().Select(o => o.Id)); // id-kp-OCSPSigning
        Assert.NotNull(responder.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNocheck));
        Assert.True(responder.GetKeyUsage()[0]); // digitalSignature

        SingleResp single = Assert.Single(basic.Responses);
        Assert.Null(single.GetCertStatus()); // good
        Assert.Equal(new BcSerial(serial), single.GetCertID().SerialNumber);
        Assert.True(single.GetCertID().MatchesIssuer(IssuerBc));
        Assert.Equal(signed.ThisUpdate.UtcDateTime, single.ThisUpdate);
        Assert.Equal(signed.NextUpdate.UtcDateTime, single.NextUpdate);
        Assert.Equal(TimeSpan.FromHours(1), signed.NextUpdate - signed.ThisUpdate);
        Assert.Null(basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce));
        // responderID byKey: SHA-1 of the responder's public key.
        ResponderID responderId = basic.ResponderId.ToAsn1Object();
        Assert.Equal(System.Security.Cryptography.SHA1.HashData(responder.CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetOctets()),
            responderId.GetKeyHash());
    }

    [Fact]
    public void Sign_revoked_carriesTimeAndReason_andNonceIsEchoed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var revokedAt = new DateTimeOffset(2026, 11, 1, 8, 30, 15, TimeSpan.Zero);
        byte[] nonce = new DerOctetString(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()).GetEncoded();

        SignedOcspResponse signed = Signer(time).Sign("default", CertId(Sha1, [0x44], nonce),
            OcspCertificateStatus.Revoked(revokedAt, RevocationReason.KeyCompromise), TimeSpan.FromHours(1), nonce);

        BasicOcspResp basic = Basic(signed.Der);
        var revoked = Assert.IsType<RevokedStatus>(Assert.Single(basic.Responses).GetCertStatus());
        Assert.Equal(revokedAt.UtcDateTime, revoked.RevocationTime);
        Assert.Equal((int)RevocationReason.KeyCompromise, revoked.RevocationReason);
        Assert.Equal(nonce, basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce).GetOctets());
    }

    [Fact]
    public void Sign_revokedWithoutReason_andUnknown_andSha256CertId()
    {
        var signer = Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));

        BasicOcspResp revoked = Basic(signer.Sign("default", CertId(Sha1, [0x45]),
            new OcspCertificateStatus(OcspCertificateStatusKind.Revoked, DateTimeOffset.UtcNow, null), TimeSpan.FromHours(1)).Der);
        BasicOcspResp unknown = Basic(signer.Sign("default", CertId("2.16.840.1.101.3.4.2.1", [0x46]), OcspCertificateStatus.Unknown, TimeSpan.FromMinutes(1)).Der);

        Assert.False(Assert.IsType<RevokedStatus>(Assert.Single(revoked.Responses).GetCertStatus()).HasRevocationReason);
        SingleResp single = Assert.Single(unknown.Responses);
        Assert.IsType<UnknownStatus>(single.GetCertStatus());
        Assert.Equal("2.16.840.1.101.3.4.2.1", single.GetCertID().HashAlgOid);
        Assert.True(single.GetCertID().MatchesIssuer(IssuerBc));
    }

    [Fact]
    public void FindIssuer_matchesOurIssuerUnderEveryHash_andNothingElse()
    {
        var signer = Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));
        foreach (string hash in new[] { Sha1, "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2", "2.16.840.1.101.3.4.2.3" })
        {
            Assert.Equal("default", signer.FindIssuer(CertId(hash, [0x01])));
        }

        OcspCertificateRequest ours = CertId(Sha1, [0x01]);
        Assert.Null(signer.FindIssuer(ours with { IssuerKeyHash = new byte[20] }));
        Assert.Null(signer.FindIssuer(ours with { IssuerNameHash = new byte[20] }));
        Assert.Null(signer.FindIssuer(ours with { HashAlgorithmOid = "1.2.840.113549.2.5" }));
        // The root is not an issuer this responder answers for.
        var root = new X509CertificateParser().ReadCertificate(_ca.RootCertificateDer);
        CertID rootId = new CertificateID(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(new DerObjectIdentifier(Sha1), DerNull.Instance), root,
            BcSerial.One).ToAsn1Object();
        Assert.Null(signer.FindIssuer(new OcspCertificateRequest(Sha1, rootId.IssuerNameHash.GetOctets(), rootId.IssuerKeyHash.GetOctets(), [1], null)));
    }

    [Fact]
    public void Sign_malformedCertId_throwsArgumentException()
    {
        var signer = Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));
        OcspCertificateRequest good = CertId(Sha1, [0x01]);

        Assert.Throws<ArgumentException>(() => signer.Sign("default", good with { HashAlgorithmOid = "1.2.840.113549.2.5" }, OcspCertificateStatus.Good, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => signer.Sign("default", good with { IssuerKeyHash = new byte[19] }, OcspCertificateStatus.Good, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => signer.Sign("default", good with { SerialNumber = [] }, OcspCertificateStatus.Good, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => signer.Sign("default", good with { SerialNumber = [0x00, 0x01] }, OcspCertificateStatus.Good, TimeSpan.FromHours(1)));
        Assert.Throws<KeyNotFoundException>(() => signer.Sign("nope", good, OcspCertificateStatus.Good, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void ResponderCertificate_isReplacedAfterTwoThirdsOfItsLifetime_withANewKey()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var signer = Signer(time, TimeSpan.FromDays(3));
        byte[] first = signer.GetResponderCertificate("default");

        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(first, signer.GetResponderCertificate("default"));

        time.Advance(TimeSpan.FromDays(1.1));
        byte[] second = signer.GetResponderCertificate("default");

        Assert.NotEqual(first, second);
        using var a = X509CertificateLoader.LoadCertificate(first);
        using var b = X509CertificateLoader.LoadCertificate(second);
        Assert.NotEqual(a.PublicKey.EncodedKeyValue.RawData, b.PublicKey.EncodedKeyValue.RawData);
        Assert.True(b.NotAfter > a.NotAfter);
        BasicOcspResp basic = Basic(signer.Sign("default", CertId(Sha1, [0x01]), OcspCertificateStatus.Good, TimeSpan.FromHours(1)).Der);
        Assert.Equal(second, Assert.Single(basic.GetCerts()).GetEncoded());
        // Both responder certificates were recorded in the store when issued, so OCSP can answer for them.
        Assert.Equal([first, second], _recorder.Recorded.Select(r => r.Certificate.Der));
        Assert.All(_recorder.Recorded, r => Assert.Equal(GatewayCertificates.OcspResponder, r.Role));
    }

    [Fact]
    public void Sign_nextUpdateNeverOutlivesTheResponderCertificate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var signer = Signer(time, TimeSpan.FromHours(2));
        using var responder = X509CertificateLoader.LoadCertificate(signer.GetResponderCertificate("default"));

        time.Advance(TimeSpan.FromMinutes(70)); // before renewal (two thirds of 2 h 5 min), 50 minutes left

        SignedOcspResponse signed = signer.Sign("default", CertId(Sha1, [0x01]), OcspCertificateStatus.Good, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(responder.NotAfter.ToUniversalTime()), signed.NextUpdate);
    }

    [Fact]
    public void OcspAnswerError_isTheBareResponseStatus()
    {
        var response = new OcspResp(OcspAnswer.Error(Gateway.Contracts.Revocation.OcspResponseStatus.MalformedRequest).Response);

        Assert.Equal(OcspRespStatus.MalformedRequest, response.Status);
        Assert.Null(response.GetResponseObject());
        Assert.Equal(OcspRespStatus.Unauthorized, new OcspResp(OcspAnswer.Error(Gateway.Contracts.Revocation.OcspResponseStatus.Unauthorized).Response).Status);
    }
}
