namespace Gateway.Ca.Tests;

public sealed class CaOptionsValidatorTests
{
    private static string[] Validate(Action<CaOptions> configure)
    {
        var options = new CaOptions { DataDir = "/tmp/does-not-matter" };
        configure(options);
        var result = new CaOptionsValidator().Validate(null, options);
        return result.Failures?.ToArray() ?? [];
    }

    [Fact]
    public void Validate_defaults_succeeds()
    {
        Assert.Empty(Validate(_ => { }));
    }

    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("ECDSA-P384")]
    [InlineData("rsa-2048")]
    [InlineData("rsa-3072")]
    [InlineData("rsa-4096")]
    public void Validate_knownKeyAlgorithm_succeeds(string algorithm)
    {
        Assert.Empty(Validate(o =>
        {
            o.IssuingKeyAlgorithm = algorithm;
            o.RootKeyAlgorithm = algorithm;
        }));
    }

    [Fact]
    public void Validate_unknownIssuingKeyAlgorithm_namesOptionAndChoices()
    {
        string failure = Assert.Single(Validate(o => o.IssuingKeyAlgorithm = "foo"));

        Assert.Equal("Gateway:Ca:IssuingKeyAlgorithm 'foo' is not one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096.", failure);
    }

    [Fact]
    public void Validate_unknownRootKeyAlgorithm_namesOption()
    {
        Assert.StartsWith("Gateway:Ca:RootKeyAlgorithm 'rsa-1024'", Assert.Single(Validate(o => o.RootKeyAlgorithm = "rsa-1024")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a dn")]
    public void Validate_badSubject_namesOption(string subject)
    {
        Assert.StartsWith("Gateway:Ca:IssuingSubject", Assert.Single(Validate(o => o.IssuingSubject = subject)));
    }

    [Fact]
    public void Validate_issuingOutlivesRoot_namesOption()
    {
        Assert.StartsWith("Gateway:Ca:IssuingLifetimeYears 30", Assert.Single(Validate(o => o.IssuingLifetimeYears = 30)));
    }

    [Fact]
    public void Validate_rootLifetimeZero_namesOption()
    {
        Assert.Contains(Validate(o => o.RootLifetimeYears = 0), f => f.StartsWith("Gateway:Ca:RootLifetimeYears 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_emptyDataDir_namesGatewayDataDir()
    {
        Assert.StartsWith("Gateway:DataDir", Assert.Single(Validate(o => o.DataDir = " ")));
    }

    [Fact]
    public void Validate_importKeyWithoutCertificate_namesBoth()
    {
        string[] failures = Validate(o => o.Import.IssuingKey = "/nonexistent/key.pem");

        Assert.Contains("Gateway:Ca:Import:IssuingCertificate is required when Gateway:Ca:Import:IssuingKey is set.", failures);
        Assert.Contains("Gateway:Ca:Import:IssuingKey file '/nonexistent/key.pem' does not exist.", failures);
    }

    [Fact]
    public void Validate_rootCertificateAlone_namesIt()
    {
        Assert.Contains(Validate(o => o.Import.RootCertificate = "/nonexistent/root.pem"), f => f.StartsWith("Gateway:Ca:Import:RootCertificate needs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad host")]
    [InlineData("-leading.example")]
    [InlineData("")]
    public void Validate_badHostName_namesIndexedOption(string host)
    {
        string failure = Assert.Single(Validate(o => o.ServerTls.HostNames = ["localhost", host]));

        Assert.StartsWith("Gateway:Ca:ServerTls:HostNames:1 ", failure);
    }

    [Theory]
    [InlineData("gateway.example.com")]
    [InlineData("*.gateway.example.com")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    public void Validate_goodHostName_succeeds(string host)
    {
        Assert.Empty(Validate(o => o.ServerTls.HostNames = [host]));
    }

    [Fact]
    public void Validate_serverLifetimeTooLong_namesOption()
    {
        Assert.StartsWith("Gateway:Ca:ServerTls:LifetimeDays 1000", Assert.Single(Validate(o => o.ServerTls.LifetimeDays = 1000)));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("short-15-chars!")]
    [InlineData("                ")]
    public void Validate_configuredPassphraseShorterThanMinimum_namesOptionAndMinimum(string passphrase)
    {
        string failure = Assert.Single(Validate(o => o.Passphrase = passphrase));

        Assert.StartsWith("Gateway:Ca:Passphrase ", failure);
        Assert.Contains("at least 16 characters", failure);
        if (passphrase.Trim().Length > 3) Assert.DoesNotContain(passphrase, failure); // the value is a secret: never echoed
    }

    [Theory]
    [InlineData("exactly-16-chars")]
    [InlineData("correct horse battery staple")]
    public void Validate_configuredPassphraseOfMinimumLengthOrMore_succeeds(string passphrase)
    {
        Assert.Empty(Validate(o => o.Passphrase = passphrase));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_noPassphraseDevMode_succeeds(string? passphrase)
    {
        Assert.Empty(Validate(o => o.Passphrase = passphrase));
    }
}
