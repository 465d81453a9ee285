using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Policy.Tests;

public sealed class CompiledProfileTemplateTests
{
    private const string Names = """
        san:
          dns: {allow: ["*.test"]}
          ip: {allow: [10.0.0.0/8]}
          email: {allow: ["*@*.test"]}

        """;

    [Theory]
    [InlineData("default: 30d\n  max: 45d\n  backdate: 1h", -60, 30 * 24 * 60, "validity.default")]
    [InlineData("default: 45d\n  max: 45d\n  backdate: 1h", -60, (45 * 24 * 60) - 60, "validity.max")]
    [InlineData("default: 1y", 0, 365 * 24 * 60, "validity.default")]
    [InlineData("max: 24h", 0, 24 * 60, "validity.default")]
    [InlineData("default: 1h30m\n  backdate: 5m", -5, 90 - 5, "validity.max")]
    public void Evaluate_validity_computedFromNowAndCappedByMax(string validity, int notBeforeMinutes, int notAfterMinutes, string rule)
    {
        var profile = Given.Profile(Names + $"""
            validity:
              {validity}
            """);

        var decision = profile.Evaluate(Given.Dns("host.test"));
        var template = decision.Template!;

        Assert.Equal(Given.Now.AddMinutes(notBeforeMinutes), template.NotBefore);
        Assert.Equal(Given.Now.AddMinutes(notAfterMinutes), template.NotAfter);
        Assert.Equal(rule, Assert.Single(decision.FiredRules, r => r.Rule.StartsWith("validity", StringComparison.Ordinal)).Rule);
    }

    [Fact]
    public void Evaluate_noValiditySection_ninetyDays()
    {
        var template = Given.Profile(Names).Evaluate(Given.Dns("host.test")).Template!;

        Assert.Equal(Given.Now, template.NotBefore);
        Assert.Equal(Given.Now.AddDays(90), template.NotAfter);
    }

    [Fact]
    public void Evaluate_allowed_templateCarriesProfileSettings()
    {
        var profile = Given.Profile(Names + """
            issuer: devices-ca
            extensions:
              keyUsage: [digitalSignature, keyEncipherment]
              extendedKeyUsage: [serverAuth, clientAuth, 1.3.6.1.5.5.7.3.4]
              certificatePolicies: [2.23.140.1.2.1]
            """);
        var input = Given.Input([SubjectAltName.Dns("host.test")], subject: "CN=host.test, O=Shop", spki: Given.RsaSpki(2048));

        var template = profile.Evaluate(input).Template!;

        Assert.Equal("devices-ca", template.IssuerId);
        Assert.Equal(input.Subject, template.Subject);
        Assert.Equal(input.SubjectPublicKeyInfo, template.SubjectPublicKeyInfo);
        Assert.Equal((int)(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment), template.KeyUsage);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"], template.ExtendedKeyUsages);
        Assert.Equal(["2.23.140.1.2.1"], template.CertificatePolicies);
        Assert.Empty(template.AdditionalExtensions);
    }

    [Theory]
    [InlineData("rsa", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment)]
    [InlineData("ec", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement)]
    [InlineData("ed25519", X509KeyUsageFlags.DigitalSignature)]
    public void Evaluate_keyUsage_leavesOutBitsTheKeyCannotServe(string key, X509KeyUsageFlags expected)
    {
        var profile = Given.Profile(Names + """
            keys: {rsa: {}, ec: [P-256], ed25519: true}
            extensions:
              keyUsage: [digitalSignature, keyEncipherment, keyAgreement]
            """);
        var spki = key switch
        {
            "rsa" => Given.RsaSpki(2048),
            "ec" => Given.EcSpki(Given.P256),
            _ => Given.Ed25519Spki(),
        };

        var decision = profile.Evaluate(Given.Input(spki: spki));

        Assert.Equal((int)expected, decision.Template!.KeyUsage);
        Assert.Contains(decision.FiredRules, r => r.Rule == "extensions.keyUsage" && r.Reason.Contains("omitted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ignore", DecisionEffect.Allow, 0)]
    [InlineData("refuse", DecisionEffect.Deny, 0)]
    [InlineData("copy\n  copyAllowed: [1.2.3.4]", DecisionEffect.Allow, 1)]
    [InlineData("copy\n  copyAllowed: [1.2.3.5]", DecisionEffect.Allow, 0)]
    public void Evaluate_requestedExtension_copiedRefusedOrIgnored(string mode, DecisionEffect expected, int copied)
    {
        var profile = Given.Profile(Names + $"""
            extensions:
              requested: {mode}
            """);
        var extensions = new[]
        {
            new ExtensionData("2.5.29.17", false, [0x30, 0x00]),
            new ExtensionData("2.5.29.15", true, [0x03, 0x02, 0x05, 0xA0]),
            new ExtensionData("2.5.29.19", true, [0x30, 0x03, 0x01, 0x01, 0xFF]),
            new ExtensionData("1.2.3.4", false, [0x05, 0x00]),
        };

        var decision = profile.Evaluate(Given.Input(extensions: extensions));

        Assert.Equal(expected, decision.Effect);
        Assert.Equal(copied, decision.Template?.AdditionalExtensions.Count ?? 0);
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.PolicyDenied, decision.Reason);
            Assert.Equal("extensions.requested", decision.DecidingRule?.Rule);
        }
    }

    [Theory]
    [InlineData("CN=dev-1", DecisionEffect.Allow, null)]
    [InlineData("CN=dev-1, O=Acme, OU=Line 4", DecisionEffect.Allow, null)]
    [InlineData("O=Acme", DecisionEffect.Deny, "subject.required")]
    [InlineData("", DecisionEffect.Deny, "subject.required")]
    [InlineData("CN=dev-1, E=a@b.test", DecisionEffect.Deny, "subject.forbidden")]
    [InlineData("CN=dev-1, L=Paris", DecisionEffect.Deny, "subject.allowed")]
    public void Evaluate_subjectAttributes_requiredForbiddenAllowed(string subject, DecisionEffect expected, string? rule)
    {
        var profile = Given.Profile(Names + """
            subject:
              required: [CN]
              forbidden: [emailAddress]
              allowed: [O, OU, e]
            """);

        var decision = profile.Evaluate(Given.Input(subject: subject));

        Assert.Equal(expected, decision.Effect);
        if (rule is not null)
        {
            Assert.Equal(rule, decision.DecidingRule?.Rule);
            Assert.Equal(RejectionReason.BadName, decision.Reason);
        }
    }

    [Theory]
    [InlineData("CN=host.test", "dns:host.test", DecisionEffect.Allow)]
    [InlineData("CN=HOST.test", "dns:host.test", DecisionEffect.Allow)]
    [InlineData("CN=10.1.2.3", "ip:10.1.2.3", DecisionEffect.Allow)]
    [InlineData("CN=a@x.test", "email:a@x.test", DecisionEffect.Allow)]
    [InlineData("CN=other.test", "dns:host.test", DecisionEffect.Deny)]
    [InlineData("O=No CN", "dns:host.test", DecisionEffect.Allow)]
    public void Evaluate_commonNameMustBeSan_cnComparedWithIssuedSans(string subject, string san, DecisionEffect expected)
    {
        var profile = Given.Profile(Names + """
            subject:
              commonNameMustBeSan: true
            """);

        var decision = profile.Evaluate(Given.Input([Given.San(san)], subject: subject));

        Assert.Equal(expected, decision.Effect);
    }

    [Fact]
    public void Evaluate_commonNameOfDroppedSan_denied()
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
              onDisallowed: drop
            subject:
              commonNameMustBeSan: true
            """);

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Dns("a.test"), SubjectAltName.Dns("evil.example")], subject: "CN=evil.example"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal("subject.commonNameMustBeSan", decision.DecidingRule?.Rule);
    }

    [Theory]
    [InlineData("CN={cn},O=Gateway Devices", "CN=dev-7, OU=x", "CN=dev-7, O=Gateway Devices")]
    [InlineData("CN={cn},O=Gateway Devices", "CN=\"a, O=evil\"", "CN=\"a, O=evil\", O=Gateway Devices")]
    [InlineData("CN=device-{cn}-{dns},OU=IoT,C=FR", "CN=7", "CN=device-7-host.test, OU=IoT, C=FR")]
    [InlineData("CN={principal},O=Acme\\, Inc.", "", "CN=requester-1, O=\"Acme, Inc.\"")]
    public void Evaluate_subjectTemplate_buildsSubject(string template, string requested, string expected)
    {
        var profile = Given.Profile(Names + $"""
            subject:
              template: "{template.Replace("\\", "\\\\", StringComparison.Ordinal)}"
            """);

        var decision = profile.Evaluate(Given.Input(subject: requested));

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.Equal(expected, new X500DistinguishedName(decision.Template!.Subject).Name);
        Assert.Contains(decision.FiredRules, r => r.Rule == "subject.template");
    }

    [Fact]
    public void Evaluate_subjectTemplateWithoutValue_deniedBadName()
    {
        var profile = Given.Profile(Names + """
            subject:
              template: "CN={cn},O=Gateway Devices"
            """);

        var decision = profile.Evaluate(Given.Input(subject: "O=Only"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadName, decision.Reason);
        Assert.Equal("subject.template", decision.DecidingRule?.Rule);
    }

    [Fact]
    public void Evaluate_neitherSubjectNorSan_denied()
    {
        var decision = Given.Profile(Names).Evaluate(Given.Input([], subject: ""));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadName, decision.Reason);
    }
}
