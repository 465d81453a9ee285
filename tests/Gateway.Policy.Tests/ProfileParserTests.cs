namespace Gateway.Policy.Tests;

public sealed class ProfileParserTests
{
    [Theory]
    [InlineData("profile-unknown-field.yaml", 6, 5, "san.dns.alow", "did you mean 'allow'?")]
    [InlineData("profile-bad-duration.yaml", 5, 12, "validity.default", "'90days' is not a duration")]
    [InlineData("profile-bad-duration.yaml", 7, 13, "validity.backdate", "'-5m' is not a duration")]
    [InlineData("profile-bad-cidr.yaml", 8, 9, "san.ip.allow[1]", "host bits are set (did you mean 10.0.0.0/8?)")]
    [InlineData("profile-bad-cidr.yaml", 9, 9, "san.ip.allow[2]", "'300.1.1.1' is not an IPv4 or IPv6 address")]
    [InlineData("profile-bad-cidr.yaml", 10, 9, "san.ip.allow[3]", "prefix length must be 0 to 128")]
    [InlineData("profile-bad-cidr.yaml", 11, 12, "san.ip.deny[0]", "prefix length must be 0 to 32")]
    [InlineData("profile-bad-eku.yaml", 5, 32, "extensions.keyUsage[1]", "end-entity certificates only")]
    [InlineData("profile-bad-eku.yaml", 5, 45, "extensions.keyUsage[2]", "unknown key usage 'signing'")]
    [InlineData("profile-bad-eku.yaml", 6, 34, "extensions.extendedKeyUsage[1]", "unknown extended key usage 'clientauthh'")]
    [InlineData("profile-bad-eku.yaml", 7, 41, "extensions.certificatePolicies[1]", "'1.2.x' is not an OID")]
    [InlineData("profile-bad-eku.yaml", 7, 48, "extensions.certificatePolicies[2]", "'3.1' is not an OID")]
    [InlineData("profile-wrong-type.yaml", 2, 12, "protocols", "expected a list")]
    [InlineData("profile-wrong-type.yaml", 5, 8, "keys.rsa", "expected a mapping")]
    [InlineData("profile-wrong-type.yaml", 6, 12, "keys.ed25519", "expected true or false, found 'yes'")]
    [InlineData("profile-wrong-type.yaml", 8, 13, "san.maxCount", "expected a whole number, found 'many'")]
    [InlineData("profile-wrong-type.yaml", 10, 5, "san.dns", "expected a mapping")]
    [InlineData("profile-unknown-names.yaml", 2, 19, "protocols[1]", "unknown protocol 'smtp'")]
    [InlineData("profile-unknown-names.yaml", 3, 27, "authentication[1]", "unknown authentication method 'password'")]
    [InlineData("profile-unknown-names.yaml", 5, 15, "keys.ec[1]", "unsupported curve 'P-192'")]
    [InlineData("profile-unknown-names.yaml", 7, 18, "subject.required[1]", "unknown subject attribute 'Nickname'")]
    [InlineData("profile-unknown-names.yaml", 8, 11, "approval", "'maybe' is not an option")]
    [InlineData("profile-unknown-names.yaml", 10, 17, "san.onDisallowed", "'ignore' is not an option")]
    [InlineData("profile-bad-accepts.yaml", 6, 5, "acceptsCertificatesFrom[1]", "'not a name' is not a valid profile name")]
    [InlineData("profile-accepts-scalar.yaml", 4, 26, "acceptsCertificatesFrom", "expected a list")]
    [InlineData("profile-missing-fields.yaml", 1, 1, "name", "is required")]
    [InlineData("profile-missing-fields.yaml", 1, 1, "protocols", "is required")]
    [InlineData("profile-missing-fields.yaml", 2, 17, "authentication", "at least one")]
    [InlineData("profile-duplicate-key.yaml", 4, 1, "", "Duplicate key protocols")]
    [InlineData("profile-duplicate-names.yaml", 4, 9, "name", "profile 'Twin' is already defined at line 1")]
    [InlineData("profile-bad-patterns.yaml", 5, 13, "subject.template", "unknown placeholder '{serial}'")]
    [InlineData("profile-bad-patterns.yaml", 8, 23, "san.dns.allow[1]", "'foo.*.test' is not a valid DNS pattern")]
    [InlineData("profile-bad-patterns.yaml", 10, 20, "san.email.allow[1]", "'nobody' is not an e-mail pattern")]
    [InlineData("profile-bad-patterns.yaml", 12, 12, "validity.default", "default 2y is longer than max 1y")]
    [InlineData("profile-bad-patterns.yaml", 15, 16, "extensions.copyAllowed", "has no effect unless requested is copy")]
    [InlineData("profile-bad-patterns.yaml", 15, 17, "extensions.copyAllowed[0]", "can never be copied")]
    public void Parse_malformedProfile_errorCarriesLineColumnAndField(string file, int line, int column, string field, string message)
    {
        var result = ProfileParser.Parse(File.ReadAllText(Given.TestData(file)), file);

        Assert.False(result.Success);
        Assert.Empty(result.Profiles);
        Assert.True(
            result.Errors.Any(e => e.Source == file && e.Line == line && e.Column == column && e.Field == field && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected {file}({line},{column}): {field}: …{message}… in{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors)}");
    }

    [Theory]
    [InlineData("profile-unknown-field.yaml", 1)]
    [InlineData("profile-bad-duration.yaml", 2)]
    [InlineData("profile-bad-cidr.yaml", 4)]
    [InlineData("profile-bad-eku.yaml", 5)]
    [InlineData("profile-wrong-type.yaml", 5)]
    [InlineData("profile-unknown-names.yaml", 6)]
    [InlineData("profile-missing-fields.yaml", 3)]
    [InlineData("profile-duplicate-names.yaml", 1)]
    [InlineData("profile-bad-patterns.yaml", 6)]
    public void Parse_malformedProfile_reportsEveryProblemOnce(string file, int count)
    {
        var result = ProfileParser.Parse(File.ReadAllText(Given.TestData(file)), file);

        Assert.True(count == result.Errors.Count, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Parse_yamlSyntaxError_placedAtTheBrokenLine()
    {
        var result = ProfileParser.Parse(File.ReadAllText(Given.TestData("profile-yaml-syntax.yaml")), "profile-yaml-syntax.yaml");

        var error = Assert.Single(result.Errors);
        Assert.InRange(error.Line, 2, 3);
        Assert.StartsWith("YAML syntax error", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: a\nprotocols: [acme\nauthentication: [none]\n")]
    [InlineData("name: 'a\n")]
    [InlineData("name: *nowhere\n")]
    [InlineData("{{{")]
    public void Parse_brokenYaml_errorNotException(string yaml)
    {
        var result = ProfileParser.Parse(yaml, "broken.yaml");

        Assert.False(result.Success);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1));
    }

    [Theory]
    [InlineData("", "no profile defined")]
    [InlineData("# only a comment\n", "no profile defined")]
    [InlineData("just text", "expected a profile")]
    [InlineData("- 1\n- 2\n", "expected a profile (a mapping)")]
    public void Parse_noProfile_error(string yaml, string message)
    {
        var result = ProfileParser.Parse(yaml, "empty.yaml");

        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_listOfProfiles_compilesEachWithItsOwnDocument()
    {
        var result = ProfileParser.Parse(File.ReadAllText(Given.TestData("profile-list.yaml")), "profile-list.yaml");

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["list-one", "list-two"], result.Profiles.Select(p => p.Name));
        Assert.Contains("name: list-two", result.Profiles[1].Document, StringComparison.Ordinal);
        Assert.DoesNotContain("list-one", result.Profiles[1].Document, StringComparison.Ordinal);
        Assert.Equal(result.Profiles[1].Name, ProfileParser.Parse(result.Profiles[1].Document, "again").Profiles[0].Name);
    }

    [Fact]
    public void Parse_severalYamlDocuments_compilesEach()
    {
        var result = ProfileParser.Parse("name: a\nprotocols: [acme]\nauthentication: [none]\n---\nname: b\nprotocols: [est]\nauthentication: [none]\n", "two.yaml");

        Assert.Equal(["a", "b"], result.Profiles.Select(p => p.Name));
    }

    [Fact]
    public void Parse_singleProfile_documentIsTheSourceText()
    {
        const string yaml = "# comment kept\nname: solo\nprotocols: [acme]\nauthentication: [none]\n";

        var profile = Assert.Single(ProfileParser.Parse(yaml, "solo.yaml").Profiles);

        Assert.Equal(yaml, profile.Document);
        Assert.Equal("solo.yaml", profile.Source);
        Assert.Equal("default", profile.Issuer);
        Assert.Equal(1, profile.Version);
    }

    [Fact]
    public void Parse_defaults_applyWhenSectionsAreAbsent()
    {
        var profile = Given.Compile("name: minimal\nprotocols: [admin]\nauthentication: [api-key]\n");

        Assert.False(profile.AllowKeyReuse);
        Assert.False(profile.RequiresManualApproval);
        Assert.Null(profile.PerRequesterQuota);
        Assert.Null(profile.PerProfileQuota);
        Assert.Null(profile.RenewalWindow);
        Assert.Equal(TimeSpan.FromDays(90), profile.DefaultLifetime);
        Assert.Equal(TimeSpan.FromDays(90), profile.MaxLifetime);
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("24h", 24 * 60)]
    [InlineData("1y", 365 * 24 * 60)]
    [InlineData("2w", 14 * 24 * 60)]
    [InlineData("1h30m", 90)]
    [InlineData("45m", 45)]
    [InlineData("3600s", 60)]
    public void Parse_duration_understoodInEveryUnit(string duration, int minutes)
    {
        var profile = Given.Compile($"name: d\nprotocols: [admin]\nauthentication: [api-key]\nvalidity: {{default: {duration}, max: 2y}}\n");

        Assert.Equal(TimeSpan.FromMinutes(minutes), profile.DefaultLifetime);
    }

    [Fact]
    public void PolicyError_toString_namesSourceLineColumnAndField()
    {
        var error = new PolicyError("web.yaml", 12, 7, "san.dns.allow[2]", "bad pattern");

        Assert.Equal("web.yaml(12,7): san.dns.allow[2]: bad pattern", error.ToString());
    }
}
