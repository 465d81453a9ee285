using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca.Tests;

public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_emptyDataDir_writesCertificatesAndEncryptedKeys()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));

        foreach (string file in new[] { "root.crt", "issuing.crt", "root.key", "issuing.key" })
        {
            Assert.True(File.Exists(_dir.Combine("ca", file)), file);
        }

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(_dir.Combine("ca", "root.crt")));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(_dir.Combine("ca", "issuing.crt")));
        Assert.False(File.Exists(_dir.Combine("ca", "passphrase")));
    }

    [Theory]
    [InlineData("root.key")]
    [InlineData("issuing.key")]
    public void Constructor_generatedKey_isEncryptedPkcs8WithMode0600(string file)
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        string path = _dir.Combine("ca", file);

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(path));
        Assert.DoesNotContain("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir.Combine("ca")));
        }
    }

    [Fact]
    public void Constructor_generatedKey_usesPbes2Aes256WithPbkdf2Sha256AndManyIterations()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        string pem = File.ReadAllText(_dir.Combine("ca", "issuing.key"));
        byte[] der = Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);

        // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2, { keyDerivationFunc PBKDF2 { salt, iterations, prf }, encryptionScheme } } }
        var pbes2 = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadSequence();
        Assert.Equal("1.2.840.113549.1.5.13", pbes2.ReadObjectIdentifier());
        var parameters = pbes2.ReadSequence();
        var kdf = parameters.ReadSequence();
        Assert.Equal("1.2.840.113549.1.5.12", kdf.ReadObjectIdentifier());
        var kdfParameters = kdf.ReadSequence();
        kdfParameters.ReadOctetString();
        Assert.True(kdfParameters.ReadInteger() >= 100_000);
        Assert.Equal("1.2.840.113549.2.9", kdfParameters.ReadSequence().ReadObjectIdentifier()); // hmacWithSHA256
        Assert.Equal("2.16.840.1.101.3.4.1.42", parameters.ReadSequence().ReadObjectIdentifier()); // aes256-CBC
    }

    [Fact]
    public void Constructor_secondConstructionSameDataDir_reloadsSameCertificates()
    {
        byte[] root, issuing;
        using (CertificateAuthority first = Given.Ca(Given.Options(_dir)))
        {
            root = first.RootCertificateDer;
            issuing = first.GetIssuer("default").Certificate.RawData;
        }

        using CertificateAuthority second = Given.Ca(Given.Options(_dir));

        Assert.Equal(root, second.RootCertificateDer);
        Assert.Equal(issuing, second.GetIssuer("default").Certificate.RawData);
        Given.AssertVerifies(second, second.Issue(Given.Template()));
    }

    [Fact]
    public void Constructor_wrongPassphrase_throwsNamingPassphraseOption()
    {
        using (Given.Ca(Given.Options(_dir)))
        {
        }

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(Given.Options(_dir, o => o.Passphrase = "wrong passphrase")));

        Assert.Equal("Gateway:Ca:Passphrase", ex.OptionName);
        Assert.Contains("Gateway:Ca:Passphrase", ex.Message);
        Assert.Contains("issuing.key", ex.Message);
    }

    [Fact]
    public void Constructor_noPassphrase_generatesDevPassphraseFileAndWarnsWithoutLeakingIt()
    {
        var logger = new CapturingLogger<CertificateAuthority>();

        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.Passphrase = null), logger);

        string path = _dir.Combine("ca", "passphrase");
        string passphrase = File.ReadAllText(path);
        Assert.True(passphrase.Length >= 32);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        (LogLevel _, string warning) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("DEV MODE", warning);
        Assert.Contains(path, warning);
        Assert.All(logger.Entries, e => Assert.DoesNotContain(passphrase, e.Message));
        Assert.All(logger.Entries, e => Assert.DoesNotContain("PRIVATE KEY", e.Message));
    }

    [Fact]
    public void Constructor_devModeSecondStart_reusesPassphraseFile()
    {
        byte[] issuing;
        using (CertificateAuthority first = Given.Ca(Given.Options(_dir, o => o.Passphrase = null)))
        {
            issuing = first.GetIssuer("default").Certificate.RawData;
        }

        using CertificateAuthority second = Given.Ca(Given.Options(_dir, o => o.Passphrase = ""));

        Assert.Equal(issuing, second.GetIssuer("default").Certificate.RawData);
    }

    [Fact]
    public void Constructor_keysFromDevModeThenPassphraseConfigured_throwsNamingPassphraseOption()
    {
        using (Given.Ca(Given.Options(_dir, o => o.Passphrase = null)))
        {
        }

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(Given.Options(_dir)));

        Assert.Equal("Gateway:Ca:Passphrase", ex.OptionName);
    }

    [Fact]
    public void Constructor_issuingKeyMissing_throwsNamingDataDir()
    {
        using (Given.Ca(Given.Options(_dir)))
        {
        }

        File.Delete(_dir.Combine("ca", "issuing.key"));

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(Given.Options(_dir)));
        Assert.Equal("Gateway:DataDir", ex.OptionName);
        Assert.Contains("issuing.key", ex.Message);
    }

    [Fact]
    public void Constructor_issuingCaDeletedButRootKeyPresent_issuesNewIssuingCaUnderSameRoot()
    {
        byte[] root, issuing;
        using (CertificateAuthority first = Given.Ca(Given.Options(_dir)))
        {
            root = first.RootCertificateDer;
            issuing = first.GetIssuer("default").Certificate.RawData;
        }

        File.Delete(_dir.Combine("ca", "issuing.crt"));
        File.Delete(_dir.Combine("ca", "issuing.key"));

        using CertificateAuthority second = Given.Ca(Given.Options(_dir));
        Assert.Equal(root, second.RootCertificateDer);
        Assert.NotEqual(issuing, second.GetIssuer("default").Certificate.RawData);
        Given.AssertVerifies(second, second.Issue(Given.Template()));
    }

    [Fact]
    public void Constructor_issuingCaExpired_issuesNewIssuingCaAndArchivesOld()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        byte[] issuing;
        using (CertificateAuthority first = Given.Ca(Given.Options(_dir, o => o.IssuingLifetimeYears = 1), time: time))
        {
            issuing = first.GetIssuer("default").Certificate.RawData;
        }

        time.Advance(TimeSpan.FromDays(400));

        using CertificateAuthority second = Given.Ca(Given.Options(_dir, o => o.IssuingLifetimeYears = 1), time: time);
        IssuingCa renewed = second.GetIssuer("default");
        Assert.NotEqual(issuing, renewed.Certificate.RawData);
        Assert.True(renewed.NotAfter > time.Now);
        Assert.Single(Directory.GetFiles(_dir.Combine("ca"), "issuing.crt.expired-*"));
        Assert.Single(Directory.GetFiles(_dir.Combine("ca"), "issuing.key.expired-*"));
    }

    [Fact]
    public void Constructor_generatedRoot_isSelfSignedCaWithCriticalConstraintsAndKeyUsage()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        using X509Certificate2 root = X509CertificateLoader.LoadCertificate(ca.RootCertificateDer);

        Assert.Equal("CN=Gateway Dev Root CA, O=Gateway", root.Subject);
        Assert.Equal(root.Subject, root.Issuer);
        var constraints = Assert.Single(root.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        var usage = Assert.Single(root.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(384, root.GetECDsaPublicKey()!.KeySize);
        Assert.Equal("1.2.840.10045.4.3.3", root.SignatureAlgorithm.Value); // ecdsa-with-SHA384
        Assert.True((root.NotAfter - root.NotBefore).TotalDays > 365 * 20 - 1);
    }

    [Fact]
    public void Constructor_generatedIssuingCa_hasPathLenZeroAndKeyIdentifiersLinkingToRoot()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));
        using X509Certificate2 root = X509CertificateLoader.LoadCertificate(ca.RootCertificateDer);
        IssuingCa issuer = ca.GetIssuer(ca.DefaultIssuerId);
        X509Certificate2 issuing = issuer.Certificate;

        Assert.Equal("CN=Gateway Dev Issuing CA, O=Gateway", issuer.SubjectName);
        Assert.False(issuing.HasPrivateKey);
        Assert.Equal(root.Subject, issuing.Issuer);
        var constraints = Assert.Single(issuing.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        var aki = Assert.Single(issuing.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var rootSki = Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(rootSki.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        Assert.Single(issuing.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(256, issuing.GetECDsaPublicKey()!.KeySize);
        Assert.Equal(2, issuer.ChainDer.Count);
        Assert.Equal(issuing.RawData, issuer.ChainDer[0]);
        Assert.Equal(ca.RootCertificateDer, issuer.ChainDer[1]);
        Assert.True(issuer.NotAfter <= new DateTimeOffset(root.NotAfter.ToUniversalTime()));
        Assert.True((issuer.NotAfter - issuer.NotBefore).TotalDays > 365 * 10 - 1);
    }

    [Fact]
    public void Constructor_configuredSubjectsAndLifetimes_areUsed()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o =>
        {
            o.RootSubject = "CN=Acme Root,O=Acme,C=DE";
            o.IssuingSubject = "CN=Acme Issuing,O=Acme,C=DE";
            o.RootLifetimeYears = 5;
            o.IssuingLifetimeYears = 2;
        }));
        using X509Certificate2 root = X509CertificateLoader.LoadCertificate(ca.RootCertificateDer);
        IssuingCa issuer = ca.GetIssuer("default");

        Assert.Equal("CN=Acme Root, O=Acme, C=DE", root.Subject);
        Assert.Equal("CN=Acme Issuing, O=Acme, C=DE", issuer.SubjectName);
        Assert.InRange((root.NotAfter - root.NotBefore).TotalDays, 365 * 5 - 1, 366 * 5 + 1);
        Assert.InRange((issuer.NotAfter - issuer.NotBefore).TotalDays, 365 * 2 - 1, 366 * 2 + 1);
    }

    [Theory]
    [InlineData("rsa-3072", "ecdsa-p384", "1.2.840.113549.1.1.11", 3072)] // sha256WithRSAEncryption
    [InlineData("rsa-4096", "rsa-4096", "1.2.840.113549.1.1.12", 4096)] // sha384WithRSAEncryption
    [InlineData("rsa-2048", "ecdsa-p256", "1.2.840.113549.1.1.11", 2048)]
    [InlineData("ecdsa-p384", "rsa-3072", "1.2.840.10045.4.3.3", 384)] // ecdsa-with-SHA384
    public void Issue_issuingKeyAlgorithm_signsWithMatchingAlgorithmAndVerifies(string issuing, string root, string signatureOid, int keySize)
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o =>
        {
            o.IssuingKeyAlgorithm = issuing;
            o.RootKeyAlgorithm = root;
        }));

        IssuedCertificate issued = ca.Issue(Given.Template());

        Assert.Equal(signatureOid, Given.SignatureAlgorithmOid(issued.Der));
        Given.AssertVerifies(ca, issued);
        X509Certificate2 issuer = ca.GetIssuer("default").Certificate;
        Assert.Equal(keySize, ((AsymmetricAlgorithm?)issuer.GetRSAPublicKey() ?? issuer.GetECDsaPublicKey())!.KeySize);

        using CertificateAuthority reloaded = Given.Ca(Given.Options(_dir, o =>
        {
            o.IssuingKeyAlgorithm = issuing;
            o.RootKeyAlgorithm = root;
        }));
        Given.AssertVerifies(reloaded, reloaded.Issue(Given.Template()));
    }

    [Fact]
    public void Constructor_invalidOption_throwsOptionsValidationExceptionNamingOption()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Given.Ca(Given.Options(_dir, o => o.IssuingKeyAlgorithm = "foo")));

        Assert.Contains("Gateway:Ca:IssuingKeyAlgorithm 'foo' is not one of", ex.Message);
        Assert.False(Directory.Exists(_dir.Combine("ca")));
    }

    [Fact]
    public void GetIssuer_unknownOrEmptyId_throwsKeyNotFoundOrReturnsDefault()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir));

        Assert.Throws<KeyNotFoundException>(() => ca.GetIssuer("nope"));
        Assert.Throws<KeyNotFoundException>(() => ca.Issue(Given.Template(issuerId: "nope")));
        Assert.Equal("default", Assert.Single(ca.Issuers).Id);
        Assert.Same(ca.GetIssuer("default"), ca.GetIssuer(string.Empty));
    }

    [Fact]
    public void Issue_issuingCaExpiredAtRuntime_throwsIssuingCaExpired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.IssuingLifetimeYears = 1), time: time);

        time.Advance(TimeSpan.FromDays(400));

        // A type of its own, so the enrollment grain answers "unavailable, retry" (503) instead of failing with a 500.
        var expired = Assert.Throws<IssuingCaExpiredException>(() => ca.Issue(Given.Template()));
        Assert.Equal("default", expired.IssuerId);
        Assert.Equal(ca.GetIssuer("default").NotAfter, expired.NotAfter);
    }

    [Fact]
    public void Issue_lifetime_past_the_issuing_ca_is_cut_and_says_so()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.IssuingLifetimeYears = 1), time: time);
        var issuerNotAfter = ca.GetIssuer("default").NotAfter;
        time.Advance(TimeSpan.FromDays(300));
        var asked = time.GetUtcNow().AddDays(90);

        var cut = ca.Issue(Given.Template(notBefore: time.GetUtcNow(), notAfter: asked));
        var whole = ca.Issue(Given.Template(notBefore: time.GetUtcNow(), notAfter: time.GetUtcNow().AddDays(30)));

        Assert.True(cut.NotAfter <= issuerNotAfter);
        Assert.Equal(asked, cut.CutFromNotAfter);
        Assert.Null(whole.CutFromNotAfter);
    }
}
