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

/// <summary>
/// An offline root: the gateway holds the issuing CA's certificate and key and only the root's certificate. Everything
/// that signs (certificates, CRLs, the delegated OCSP responder and its answers) uses the issuing key alone.
/// </summary>
public sealed class OfflineRootTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_importIssuingCaWithRootCertificateOnly_issuesAndSignsCrlAndOcspWithIssuingKey()
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir);
        });

        using CertificateAuthority ca = Given.Ca(options);

        Assert.Equal(imported.Root.RawData, ca.RootCertificateDer);
        AssertEverythingSignsWithIssuingKey(ca);
        Assert.False(Directory.Exists(_dir.Combine("ca")));
    }

    [Fact]
    public void Constructor_generatedCaWithRootKeyMovedOffline_loadsAndSignsWithIssuingKeyOnly()
    {
        CaOptions options = Given.Options(_dir);
        byte[] root;
        var generatedLog = new CapturingLogger<CertificateAuthority>();
        using (CertificateAuthority generated = Given.Ca(options, generatedLog))
        {
            root = generated.RootCertificateDer;
        }
        Assert.Contains(generatedLog.Entries, e => e.Message.Contains("root.key", StringComparison.Ordinal) && e.Message.Contains("offline storage", StringComparison.Ordinal));
        string rootKey = _dir.Combine("ca", CaMaterialStore.RootKeyFile);
        Assert.True(File.Exists(rootKey));
        File.Delete(rootKey); // moved to offline storage

        var offlineLog = new CapturingLogger<CertificateAuthority>();
        using CertificateAuthority ca = Given.Ca(options, offlineLog);

        Assert.Equal(root, ca.RootCertificateDer);
        Assert.Contains(offlineLog.Entries, e => e.Message.StartsWith("Offline root", StringComparison.Ordinal));
        AssertEverythingSignsWithIssuingKey(ca);
        Assert.False(File.Exists(rootKey));
    }

    private static void AssertEverythingSignsWithIssuingKey(CertificateAuthority ca)
    {
        BcCertificate issuing = new X509CertificateParser().ReadCertificate(ca.GetIssuer("default").Certificate.RawData);

        Given.AssertVerifies(ca, ca.Issue(Given.Template()));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Crl crl = new X509CrlParser().ReadCrl(ca.SignCrl("default", 1, now, now.AddDays(1), []));
        crl.Verify(issuing.GetPublicKey());

        var signer = new OcspResponseSigner(ca, new ListRecorder(), Microsoft.Extensions.Options.Options.Create(new OcspOptions()),
            NullLogger<OcspResponseSigner>.Instance, new FakeTimeProvider(now));
        CertID id = new CertificateID(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(new DerObjectIdentifier("1.3.14.3.2.26"), DerNull.Instance),
            issuing, new BcSerial([0x3a, 0x01])).ToAsn1Object();
        var request = new OcspCertificateRequest(id.HashAlgorithm.Algorithm.Id, id.IssuerNameHash.GetOctets(), id.IssuerKeyHash.GetOctets(), [0x3a, 0x01], null);
        var response = new OcspResp(signer.Sign("default", request, OcspCertificateStatus.Good, TimeSpan.FromHours(1)).Der);
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        BasicOcspResp basic = Assert.IsType<BasicOcspResp>(response.GetResponseObject());
        BcCertificate responder = Assert.Single(basic.GetCerts());
        responder.Verify(issuing.GetPublicKey());
        Assert.True(basic.Verify(responder.GetPublicKey()));
    }
}
