using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Revocation;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using BcSerial = Org.BouncyCastle.Math.BigInteger;

namespace Gateway.Ca.Tests;

/// <summary>
/// Issuing CA rollover (issue 14, item 7): a new generation (new key and id, signed by the root) takes over signing
/// before the current one expires; earlier generations keep signing CRLs and OCSP answers for what they issued; every
/// node sharing the CA directory picks the new generation up; without the root key nothing is rolled over.
/// </summary>
public sealed class CaRolloverTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CaRolloverService Service(ICertificateAuthority ca, CaOptions options, TimeProvider time) =>
        new(ca, Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<CaRolloverService>.Instance);

    [Fact]
    public void RollOver_makes_a_new_generation_with_a_new_key_sign_while_the_first_keeps_its_crl()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        IssuedCertificate before = ca.Issue(Given.Template());
        var changed = 0;
        ca.IssuersChanged += () => changed++;

        IssuingCa next = ca.RollOver("default");

        Assert.Equal("default-g2", next.Id);
        Assert.Equal("default", next.LogicalId);
        Assert.Equal(2, next.Generation);
        Assert.Equal(1, changed);
        Assert.NotEqual(ca.GetIssuer("default").Certificate.PublicKey.EncodedKeyValue.RawData, next.Certificate.PublicKey.EncodedKeyValue.RawData);
        Assert.Equal("default-g2", ca.DefaultIssuerId);
        Assert.Equal(["default", "default-g2"], ca.Issuers.Select(i => i.Id).Order());

        // A template naming the logical issuer is signed by the new generation, and says so.
        IssuedCertificate after = ca.Issue(Given.Template());
        Assert.Equal("default-g2", after.IssuerId);
        Assert.Equal("default", before.IssuerId);
        Assert.Equal(next.ChainDer, after.ChainDer);
        Given.AssertVerifies(ca, before);
        Given.AssertVerifies(ca, after);

        // The first generation still signs its own CRL; both chain to the one root.
        var crl = new X509CrlParser().ReadCrl(ca.SignCrl("default", 7, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), []));
        crl.Verify(new X509CertificateParser().ReadCertificate(ca.GetIssuer("default").Certificate.RawData).GetPublicKey());
        Assert.Equal(ca.GetIssuer("default").ChainDer[^1], next.ChainDer[^1]);
    }

    [Fact]
    public void Another_node_on_the_same_directory_picks_the_new_generation_up()
    {
        using CertificateAuthority first = Given.Ca(Given.Options(_dir));
        using CertificateAuthority second = Given.Ca(Given.Options(_dir));
        Assert.False(second.Refresh()); // nothing new yet

        first.RollOver("default");

        Assert.Equal("default", second.DefaultIssuerId);
        Assert.True(second.Refresh());
        Assert.Equal("default-g2", second.DefaultIssuerId);
        Assert.Equal(first.GetIssuer("default-g2").Certificate.RawData, second.GetIssuer("default-g2").Certificate.RawData);
        Assert.Equal("default-g2", second.Issue(Given.Template()).IssuerId);

        // A node started afterwards loads both generations.
        using CertificateAuthority third = Given.Ca(Given.Options(_dir));
        Assert.Equal(["default", "default-g2"], third.Issuers.Select(i => i.Id).Order());
        Assert.Equal("default-g2", third.DefaultIssuerId);
    }

    [Fact]
    public void RollOver_service_rolls_over_once_when_due_even_with_two_nodes_checking()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Given.Options(_dir, o => { o.IssuingLifetimeYears = 1; o.RolloverBefore = TimeSpan.FromDays(60); });
        using CertificateAuthority first = Given.Ca(options, time: time);
        using CertificateAuthority second = Given.Ca(options, time: time);
        var notAfter = first.GetIssuer("default").NotAfter;

        Assert.Empty(Service(first, options, time).Check()); // a year left: not due
        time.Now = notAfter - TimeSpan.FromDays(59);
        Assert.Equal(["default-g2"], Service(first, options, time).Check());
        Assert.Empty(Service(second, options, time).Check()); // picks the rollover up; does not make a third generation

        Assert.Equal("default-g2", second.DefaultIssuerId);
        Assert.False(File.Exists(Path.Combine(_dir.Combine("ca"), "issuing-g3.crt")));
        Assert.True(second.GetIssuer("default-g2").NotAfter > notAfter);
    }

    [Fact]
    public void Without_the_root_key_nothing_is_rolled_over_and_the_service_says_why()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Given.Options(_dir, o => { o.IssuingLifetimeYears = 1; o.RolloverBefore = TimeSpan.FromDays(60); });
        using (Given.Ca(options, time: time))
        {
        }
        File.Move(Path.Combine(_dir.Combine("ca"), "root.key"), _dir.Combine("offline-root.key"));
        using CertificateAuthority ca = Given.Ca(options, time: time);
        time.Now = ca.GetIssuer("default").NotAfter - TimeSpan.FromDays(10);
        var logger = new CapturingLogger<CaRolloverService>();

        Assert.False(ca.CanRollOver);
        Assert.Empty(new CaRolloverService(ca, Microsoft.Extensions.Options.Options.Create(options), time, logger).Check());
        Assert.Throws<CaConfigurationException>(() => ca.RollOver("default"));

        Assert.Equal("default", ca.DefaultIssuerId);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("root key is not in the CA directory", StringComparison.Ordinal));
    }

    [Fact]
    public void Ocsp_answers_for_both_generations_after_a_rollover()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        var signer = new OcspResponseSigner(ca, new ListRecorder(), Microsoft.Extensions.Options.Options.Create(new OcspOptions()),
            NullLogger<OcspResponseSigner>.Instance, TimeProvider.System);

        ca.RollOver("default");

        foreach (var id in new[] { "default", "default-g2" })
        {
            var issuer = new X509CertificateParser().ReadCertificate(ca.GetIssuer(id).Certificate.RawData);
            var certId = new CertificateID(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(new DerObjectIdentifier("1.3.14.3.2.26"), DerNull.Instance),
                issuer, new BcSerial([0x42])).ToAsn1Object();
            var request = new OcspCertificateRequest(certId.HashAlgorithm.Algorithm.Id, certId.IssuerNameHash.GetOctets(), certId.IssuerKeyHash.GetOctets(), [0x42], null);
            Assert.Equal(id, signer.FindIssuer(request));
            var response = (BasicOcspResp)new OcspResp(signer.Sign(id, request, OcspCertificateStatus.Good, TimeSpan.FromHours(1)).Der).GetResponseObject();
            var responder = response.GetCerts()[0];
            Assert.True(response.Verify(responder.GetPublicKey()));
            responder.Verify(issuer.GetPublicKey()); // each generation certifies its own responder
        }
    }

    [Fact]
    public void Options_with_a_rollover_window_as_long_as_the_issuing_lifetime_are_refused_naming_both()
    {
        var options = Given.Options(_dir, o => { o.IssuingLifetimeYears = 1; o.RolloverBefore = TimeSpan.FromDays(400); });

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Given.Ca(options));

        Assert.Contains("Gateway:Ca:RolloverBefore", ex.Message);
        Assert.Contains("Gateway:Ca:IssuingLifetimeYears", ex.Message);
    }
}
