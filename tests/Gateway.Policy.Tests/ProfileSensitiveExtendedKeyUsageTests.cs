namespace Gateway.Policy.Tests;

/// <summary>
/// Issue 13 item 7: a policy admin cannot grant extended key usages that let a leaf sign code, time stamps or OCSP
/// responses (or anything at all), unless the gateway's operator allows them in configuration; ocspSigning never.
/// </summary>
public sealed class ProfileSensitiveExtendedKeyUsageTests
{
    private const string Option = "Gateway:Policies:AllowSensitiveExtendedKeyUsages";

    private static string Profile(string eku) => $"""
        name: eku
        protocols: [est]
        authentication: [client-certificate]
        extensions:
          extendedKeyUsage: [clientAuth, {eku}]
        """;

    private static ProfileParseOptions Allowing(params string[] allowed)
    {
        Assert.True(ProfileParseOptions.TryCreate(allowed, out var options, out var error), error);
        return options;
    }

    [Theory]
    [InlineData("codeSigning")]
    [InlineData("timeStamping")]
    [InlineData("anyExtendedKeyUsage")]
    [InlineData("2.5.29.37.0")]
    [InlineData("1.3.6.1.5.5.7.3.3")]
    [InlineData("1.3.6.1.4.1.99999.1")]
    [InlineData("ocspSigning")]
    [InlineData("1.3.6.1.5.5.7.3.9")]
    public void Parse_sensitiveEkuWithoutTheSwitch_isRefusedOnItsLineNamingTheOption(string eku)
    {
        var result = ProfileParser.Parse(Profile(eku), "eku.yaml");

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Equal("extensions.extendedKeyUsage[1]", error.Field);
        Assert.Contains($"'{eku}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serverAuth")]
    [InlineData("emailProtection")]
    [InlineData("1.3.6.1.5.5.7.3.1")]
    public void Parse_ordinaryEkuWithoutTheSwitch_isAccepted(string eku)
    {
        var result = ProfileParser.Parse(Profile(eku), "eku.yaml");

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
    }

    [Theory]
    [InlineData("codeSigning", "codeSigning")]
    [InlineData("codeSigning", "1.3.6.1.5.5.7.3.3")]
    [InlineData("1.3.6.1.5.5.7.3.8", "timeStamping")]
    [InlineData("anyExtendedKeyUsage", "anyExtendedKeyUsage")]
    [InlineData("1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.99999.1")]
    public void Parse_sensitiveEkuAllowedByTheSwitch_isAccepted(string allowed, string eku)
    {
        var result = ProfileParser.Parse(Profile(eku), "eku.yaml", 1, Allowing(allowed));

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Parse_sensitiveEkuAllowedByTheSwitch_othersStayRefused()
    {
        var result = ProfileParser.Parse(Profile("timeStamping"), "eku.yaml", 1, Allowing("codeSigning"));

        Assert.Contains("'timeStamping'", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ocspSigning")]
    [InlineData("1.3.6.1.5.5.7.3.9")]
    public void TryCreate_ocspSigning_isRefusedNamingTheOption(string allowed)
    {
        Assert.False(ProfileParseOptions.TryCreate([allowed], out _, out var error));
        Assert.Contains(Option, error, StringComparison.Ordinal);
        Assert.Contains("ocspSigning", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("codesigning-typo")]
    [InlineData("")]
    public void TryCreate_unknownName_isRefusedNamingTheOption(string allowed)
    {
        Assert.False(ProfileParseOptions.TryCreate([allowed], out _, out var error));
        Assert.Contains(Option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_committedProfileWithEverySensitiveEku_reportsEachOnItsColumn()
    {
        var result = ProfileParser.Parse(File.ReadAllText(Given.TestData("profile-sensitive-eku.yaml")), "profile-sensitive-eku.yaml");

        Assert.Equal(
            ["extensions.extendedKeyUsage[1]", "extensions.extendedKeyUsage[2]", "extensions.extendedKeyUsage[3]",
             "extensions.extendedKeyUsage[4]", "extensions.extendedKeyUsage[5]"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.Equal(5, e.Line));
        Assert.Contains("never", result.Errors.Single(e => e.Field == "extensions.extendedKeyUsage[4]").Message, StringComparison.Ordinal);
    }
}
