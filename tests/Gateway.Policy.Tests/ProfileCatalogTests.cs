using Gateway.Contracts;

namespace Gateway.Policy.Tests;

public sealed class ProfileCatalogTests
{
    private static readonly Lazy<ProfileCatalogLoadResult> Shipped = new(() => ProfileCatalog.LoadDirectory(Path.Combine(Given.RepositoryRoot(), "policies")));

    [Fact]
    public void LoadDirectory_shippedPolicies_loadWithoutErrors()
    {
        var result = Shipped.Value;

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["iot-device", "mdm-device", "network-element", "web-server"], result.Catalog.Profiles.Select(p => p.Name));
    }

    [Theory]
    [InlineData("web-server", new[] { EnrollmentProtocol.Acme, EnrollmentProtocol.Admin }, 90)]
    [InlineData("iot-device", new[] { EnrollmentProtocol.Est, EnrollmentProtocol.Admin }, 365)]
    [InlineData("mdm-device", new[] { EnrollmentProtocol.Scep, EnrollmentProtocol.Admin }, 365)]
    [InlineData("network-element", new[] { EnrollmentProtocol.Cmp, EnrollmentProtocol.Admin }, 365)]
    public void LoadDirectory_shippedPolicies_haveDocumentedDevDefaults(string name, EnrollmentProtocol[] protocols, int days)
    {
        Assert.True(Shipped.Value.Catalog.TryGet(name, out var profile));

        Assert.Equal(protocols.Order(), profile.Protocols.Order());
        Assert.Contains(AuthenticationMethods.ApiKey, profile.AuthenticationMethods);
        Assert.Equal(TimeSpan.FromDays(days), profile.DefaultLifetime);
        Assert.True(profile.AllowKeyReuse);
        Assert.False(profile.RequiresManualApproval);
        Assert.Null(profile.PerRequesterQuota);
        Assert.Null(profile.PerProfileQuota);
        Assert.Equal("default", profile.Issuer);
    }

    [Theory]
    [InlineData(AuthenticationMethods.GatewayCertificate, RequesterClaims.ClientCertificateCommonName, "sensor-0001", "CN=sensor-0002", DecisionEffect.Deny)]
    [InlineData(AuthenticationMethods.GatewayCertificate, RequesterClaims.ClientCertificateCommonName, "sensor-0001", "CN=sensor-0001", DecisionEffect.Allow)]
    [InlineData(AuthenticationMethods.ManufacturerCertificate, RequesterClaims.ClientCertificateCommonName, "sensor-0001", "CN=sensor-0002", DecisionEffect.Deny)]
    [InlineData(AuthenticationMethods.ManufacturerCertificate, RequesterClaims.ClientCertificateCommonName, "sensor-0001", "CN=sensor-0001", DecisionEffect.Allow)]
    [InlineData(AuthenticationMethods.ManufacturerCertificate, null, null, "CN=sensor-0001", DecisionEffect.Deny)]
    [InlineData(AuthenticationMethods.HttpBasic, RequesterClaims.CredentialSubject, "sensor-0001", "CN=sensor-0002", DecisionEffect.Deny)]
    [InlineData(AuthenticationMethods.HttpBasic, RequesterClaims.CredentialSubject, "sensor-0001", "CN=sensor-0001", DecisionEffect.Allow)]
    [InlineData(AuthenticationMethods.HttpBasic, null, null, "CN=sensor-0001", DecisionEffect.Deny)]
    [InlineData(AuthenticationMethods.ApiKey, null, null, "CN=any-device", DecisionEffect.Allow)]
    public void Evaluate_shippedIotDevice_bindsTheCnToTheCaller(string method, string? claim, string? value, string subject, DecisionEffect expected)
    {
        Assert.True(Shipped.Value.Catalog.TryGet("iot-device", out var profile));
        var protocol = method == AuthenticationMethods.ApiKey ? EnrollmentProtocol.Admin : EnrollmentProtocol.Est;
        var input = Given.Input([Given.San("dns:sensor.devices.test")], subject: subject, spki: Given.RsaSpki(2048), protocol: protocol, authentication: method);
        var claims = claim is null ? null : new Dictionary<string, string> { [claim] = value! };
        input = input with { Requester = input.Requester with { Claims = claims } };

        var decision = profile.Evaluate(input, new PolicyFacts { KeyInUseByOtherSubject = true });

        Assert.True(expected == decision.Effect, Given.Rules(decision));
    }

    [Theory]
    [InlineData("web-server", EnrollmentProtocol.Acme, AuthenticationMethods.AcmeAccount, "", "dns:www.shop.test", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.1")]
    [InlineData("web-server", EnrollmentProtocol.Admin, AuthenticationMethods.ApiKey, "CN=api.internal", "dns:api.internal", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.1")]
    [InlineData("web-server", EnrollmentProtocol.Acme, AuthenticationMethods.AcmeAccount, "", "ip:127.0.0.1", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.1")]
    [InlineData("web-server", EnrollmentProtocol.Acme, AuthenticationMethods.AcmeAccount, "", "dns:www.example.com", DecisionEffect.Deny, null)]
    [InlineData("web-server", EnrollmentProtocol.Est, AuthenticationMethods.ManufacturerCertificate, "", "dns:www.shop.test", DecisionEffect.Deny, null)]
    [InlineData("iot-device", EnrollmentProtocol.Est, AuthenticationMethods.ManufacturerCertificate, "CN=sensor-0001", "dns:sensor-0001.devices.internal", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("iot-device", EnrollmentProtocol.Est, AuthenticationMethods.GatewayCertificate, "CN=sensor-0001", "dns:sensor-0001.devices.internal", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("iot-device", EnrollmentProtocol.Est, AuthenticationMethods.HttpBasic, "O=No CN", "dns:sensor.test", DecisionEffect.Deny, null)]
    [InlineData("mdm-device", EnrollmentProtocol.Scep, AuthenticationMethods.ChallengePassword, "CN=iphone-42", "email:user@corp.test", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("mdm-device", EnrollmentProtocol.Acme, AuthenticationMethods.AcmeAccount, "CN=iphone-42", "dns:a.test", DecisionEffect.Deny, null)]
    // Intune's strong-mapping SAN (the device's or user's SID as a tag: URI), kept as the MDM sends it.
    [InlineData("mdm-device", EnrollmentProtocol.Scep, AuthenticationMethods.ChallengePassword, "CN=LAPTOP-42, O=Example Corp, OU=MDM, C=DE",
        "uri:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-512", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("mdm-device", EnrollmentProtocol.Scep, AuthenticationMethods.Signature, "CN=LAPTOP-42", "uri:urn:dev:laptop-42", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("mdm-device", EnrollmentProtocol.Scep, AuthenticationMethods.ChallengePassword, "CN=LAPTOP-42", "upn:jane.doe@corp.test", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    [InlineData("mdm-device", EnrollmentProtocol.Scep, AuthenticationMethods.ChallengePassword, "CN=LAPTOP-42", "upn:jane.doe@example.com", DecisionEffect.Deny, null)]
    [InlineData("iot-device", EnrollmentProtocol.Est, AuthenticationMethods.ApiKey, "CN=sensor-0001", "upn:sensor@devices.internal", DecisionEffect.Deny, null)]
    [InlineData("network-element", EnrollmentProtocol.Cmp, AuthenticationMethods.SharedSecretMac, "CN=router-1", "ip:10.20.30.40", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.1")]
    [InlineData("network-element", EnrollmentProtocol.Cmp, AuthenticationMethods.Signature, "CN=router-1", "dns:router-1.core.internal", DecisionEffect.Allow, "1.3.6.1.5.5.7.3.2")]
    public void Evaluate_shippedPolicies_issueForTestAndInternalNames(string name, EnrollmentProtocol protocol, string method, string subject, string san, DecisionEffect expected, string? eku)
    {
        Assert.True(Shipped.Value.Catalog.TryGet(name, out var profile));
        var input = Given.Input([Given.San(san)], subject: subject, spki: Given.RsaSpki(2048), protocol: protocol, authentication: method);
        if (method is AuthenticationMethods.ClientCertificate or AuthenticationMethods.GatewayCertificate or AuthenticationMethods.ManufacturerCertificate
            && subject.StartsWith("CN=", StringComparison.Ordinal))
        {
            // The caller's own certificate (iot-device binds the CN to it).
            input = input with { Requester = input.Requester with { Claims = new Dictionary<string, string> { [RequesterClaims.ClientCertificateCommonName] = subject[3..] } } };
        }

        var decision = profile.Evaluate(input, new PolicyFacts { KeyInUseByOtherSubject = true });

        Assert.True(expected == decision.Effect, Given.Rules(decision));
        if (eku is not null)
        {
            Assert.Contains(eku, decision.Template!.ExtendedKeyUsages);
        }
    }

    [Fact]
    public void LoadDirectory_sameNameInTwoFiles_errorAndFirstKept()
    {
        var result = ProfileCatalog.LoadDirectory(Given.TestData("catalog-duplicate"));

        var error = Assert.Single(result.Errors);
        Assert.EndsWith("b.yml", error.Source, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
        Assert.Equal("name", error.Field);
        Assert.Contains("already defined", error.Message, StringComparison.Ordinal);
        Assert.True(result.Catalog.TryGet("shared", out var kept));
        Assert.EndsWith("a.yaml", kept.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_fileWithErrors_contributesNoProfile()
    {
        var result = ProfileCatalog.LoadDirectory(Given.TestData("catalog-mixed"));

        Assert.False(result.Success);
        Assert.EndsWith("bad.yaml", Assert.Single(result.Errors).Source, StringComparison.Ordinal);
        Assert.Equal(["good"], result.Catalog.Profiles.Select(p => p.Name));
        Assert.False(result.Catalog.TryGet("bad", out _));
    }

    [Fact]
    public void LoadDirectory_missingDirectory_error()
    {
        var result = ProfileCatalog.LoadDirectory(Given.TestData("no-such-directory"));

        Assert.False(result.Success);
        Assert.Empty(result.Catalog.Profiles);
    }

    [Fact]
    public void FromSources_inMemoryYaml_sameRulesAsDirectory()
    {
        var result = ProfileCatalog.FromSources([
            ("one", "name: a\nprotocols: [acme]\nauthentication: [none]\n"),
            ("two", "name: A\nprotocols: [est]\nauthentication: [none]\n"),
        ]);

        Assert.Equal("two", Assert.Single(result.Errors).Source);
        Assert.Equal([EnrollmentProtocol.Acme], Assert.Single(result.Catalog.Profiles).Protocols);
    }

    [Fact]
    public void FromProfiles_duplicateName_throws()
    {
        var profile = Given.Compile("name: a\nprotocols: [acme]\nauthentication: [none]\n");

        Assert.Throws<ArgumentException>(() => ProfileCatalog.FromProfiles([profile, profile.WithVersion(2)]));
    }

    [Theory]
    [InlineData("web-server", true)]
    [InlineData("WEB-SERVER", true)]
    [InlineData("web", false)]
    public void TryGet_name_caseInsensitive(string name, bool found)
    {
        Assert.Equal(found, Shipped.Value.Catalog.TryGet(name, out _));
    }
}
