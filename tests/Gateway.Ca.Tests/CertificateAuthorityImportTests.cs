using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca.Tests;

public sealed class CertificateAuthorityImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_importPemUnencryptedKey_issuesUnderImportedChain()
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
        IssuingCa issuer = ca.GetIssuer("default");
        Assert.Equal(imported.Issuing.RawData, issuer.Certificate.RawData);
        Assert.Equal([imported.Issuing.RawData, imported.Root.RawData], issuer.ChainDer);
        Given.AssertVerifies(ca, ca.Issue(Given.Template()));
        Assert.False(Directory.Exists(_dir.Combine("ca")));
    }

    [Fact]
    public void Constructor_importPemEncryptedRsaKey_decryptsWithKeyPassword()
    {
        using ImportedCa imported = ImportedCa.Create(rsaIssuing: true);
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir, password: "key secret");
            o.Import.KeyPassword = "key secret";
        });

        using CertificateAuthority ca = Given.Ca(options);

        IssuedCertificate issued = ca.Issue(Given.Template());
        Assert.Equal("1.2.840.113549.1.1.11", Given.SignatureAlgorithmOid(issued.Der));
        Given.AssertVerifies(ca, issued);
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData(null)]
    public void Constructor_importPemEncryptedKeyWithWrongOrNoPassword_throwsNamingKeyPassword(string? password)
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir, password: "key secret");
            o.Import.KeyPassword = password;
        });

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(options));

        Assert.Equal("Gateway:Ca:Import:KeyPassword", ex.OptionName);
        Assert.Contains("Gateway:Ca:Import:KeyPassword", ex.Message);
    }

    [Fact]
    public void Constructor_importPemKeyOfAnotherCertificate_throwsNamingIssuingKey()
    {
        using ImportedCa imported = ImportedCa.Create();
        using ImportedCa other = ImportedCa.Create();
        using var otherDir = new TempDirectory();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = other.WriteKeyPem(otherDir);
        });

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(options));

        Assert.Equal("Gateway:Ca:Import:IssuingKey", ex.OptionName);
    }

    [Fact]
    public void Constructor_importPemWithoutRoot_throwsNamingRootCertificate()
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir);
        });

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(options));

        Assert.Contains("Gateway:Ca:Import:RootCertificate", ex.Message);
    }

    [Fact]
    public void Constructor_importPemWithIntermediate_chainsIssuingIntermediateRoot()
    {
        using ImportedCa imported = ImportedCa.Create(withIntermediate: true);
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir);
        });

        using CertificateAuthority ca = Given.Ca(options);

        Assert.Equal([imported.Issuing.RawData, imported.Intermediate!.RawData, imported.Root.RawData], ca.GetIssuer("default").ChainDer);
        Given.AssertVerifies(ca, ca.Issue(Given.Template()));
    }

    [Fact]
    public void Constructor_importNonCaCertificate_throwsNamingIssuingKeyOption()
    {
        using ImportedCa imported = ImportedCa.Create(issuingIsCa: false);
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir);
        });

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(options));

        Assert.Contains("is not a CA certificate", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Constructor_importPkcs12_issuesUnderImportedChain(bool rsaIssuing)
    {
        using ImportedCa imported = ImportedCa.Create(rsaIssuing: rsaIssuing, withIntermediate: true);
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.Pkcs12 = imported.WritePkcs12(_dir, "p12 secret");
            o.Import.Pkcs12Password = "p12 secret";
        });

        using CertificateAuthority ca = Given.Ca(options);

        Assert.Equal(imported.Root.RawData, ca.RootCertificateDer);
        Assert.Equal([imported.Issuing.RawData, imported.Intermediate!.RawData, imported.Root.RawData], ca.GetIssuer("default").ChainDer);
        Assert.False(ca.GetIssuer("default").Certificate.HasPrivateKey);
        Given.AssertVerifies(ca, ca.Issue(Given.Template()));
    }

    [Fact]
    public void Constructor_importPkcs12WithoutRootPlusRootPem_usesRootPem()
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.Pkcs12 = imported.WritePkcs12(_dir, "p12 secret", includeRoot: false);
            o.Import.Pkcs12Password = "p12 secret";
            o.Import.RootCertificate = imported.WriteRootPem(_dir);
        });

        using CertificateAuthority ca = Given.Ca(options);

        Assert.Equal(imported.Root.RawData, ca.RootCertificateDer);
    }

    [Fact]
    public void Constructor_importPkcs12WrongPassword_throwsNamingPkcs12Password()
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.Pkcs12 = imported.WritePkcs12(_dir, "p12 secret");
            o.Import.Pkcs12Password = "wrong";
        });

        var ex = Assert.Throws<CaConfigurationException>(() => Given.Ca(options));

        Assert.Equal("Gateway:Ca:Import:Pkcs12Password", ex.OptionName);
    }

    [Fact]
    public void Constructor_importPemAndPkcs12Both_failsValidationNamingBoth()
    {
        using ImportedCa imported = ImportedCa.Create();
        CaOptions options = Given.Options(_dir, o =>
        {
            o.Import.Pkcs12 = imported.WritePkcs12(_dir, "p12 secret");
            o.Import.IssuingCertificate = imported.WriteIssuingPem(_dir);
            o.Import.IssuingKey = imported.WriteKeyPem(_dir);
        });

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Given.Ca(options));

        Assert.Contains("Gateway:Ca:Import:Pkcs12 cannot be combined with Gateway:Ca:Import:IssuingCertificate", ex.Message);
    }
}
