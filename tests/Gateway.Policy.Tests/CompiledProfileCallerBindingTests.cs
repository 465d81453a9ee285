using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Policy.Tests;

/// <summary>
/// Issue 13 item 5: names bound to the caller. <c>subject.bindCommonName</c> and subject templates read the
/// authenticated identity (<c>{clientCert.cn}</c>, <c>{clientCert.serialNumber}</c>, <c>{credential.subject}</c>).
/// </summary>
public sealed class CompiledProfileCallerBindingTests
{
    private const string Header = """
        name: bound
        protocols: [est, admin]
        authentication: [api-key, client-certificate, http-basic]

        """;

    private static readonly CompiledProfile Bound = Given.Compile(Header + """
        subject:
          required: [CN]
          bindCommonName:
            client-certificate: "{clientCert.cn}"
            http-basic: "{credential.subject}"
        """);

    private static Requester Device(string cn, string? serialNumber = null) => new(AuthenticationMethods.ClientCertificate, "CN=" + cn,
        serialNumber is null
            ? new Dictionary<string, string> { [RequesterClaims.ClientCertificateCommonName] = cn }
            : new Dictionary<string, string> { [RequesterClaims.ClientCertificateCommonName] = cn, [RequesterClaims.ClientCertificateSerialNumber] = serialNumber });

    private static Requester Credential(string? subject) => new(AuthenticationMethods.HttpBasic, "cred1",
        subject is null ? null : new Dictionary<string, string> { [RequesterClaims.CredentialSubject] = subject });

    private static PolicyInput Input(Requester requester, string subject) =>
        Given.Input([], subject: subject, protocol: EnrollmentProtocol.Est, authentication: requester.AuthenticationMethod) with { Requester = requester };

    public static TheoryData<string, Requester, string, DecisionEffect> Cases => new()
    {
        { "device enrolls its own CN", Device("dev1"), "CN=dev1", DecisionEffect.Allow },
        { "device, CN differs in case only", Device("dev1"), "CN=DEV1", DecisionEffect.Allow },
        { "device enrolls another device's CN", Device("dev1"), "CN=dev2", DecisionEffect.Deny },
        { "device hides a second CN", Device("dev1"), "CN=dev1+CN=dev2", DecisionEffect.Deny },
        { "client certificate without CN", new Requester(AuthenticationMethods.ClientCertificate, "O=x"), "CN=dev1", DecisionEffect.Deny },
        { "credential enrolls its subject", Credential("dev1.test"), "CN=dev1.test", DecisionEffect.Allow },
        { "credential enrolls another subject", Credential("dev1.test"), "CN=dev2.test", DecisionEffect.Deny },
        { "credential binding no subject", Credential(null), "CN=dev1.test", DecisionEffect.Deny },
        { "api key is not bound", new Requester(AuthenticationMethods.ApiKey, "admin"), "CN=anything", DecisionEffect.Allow },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_bindCommonName_allowsOnlyTheCallersOwnCn(string why, Requester requester, string subject, DecisionEffect expected)
    {
        var decision = Bound.Evaluate(Input(requester, subject));

        Assert.True(expected == decision.Effect, $"{why}: {Given.Rules(decision)}");
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.BadName, decision.Reason);
            Assert.Contains(decision.FiredRules, r => r.Rule == "subject.bindCommonName" && r.Effect == DecisionEffect.Deny);
        }
    }

    [Fact]
    public void Evaluate_templateWithClientCertSerialNumber_buildsTheSubjectFromTheCallersCertificate()
    {
        var profile = Given.Compile(Header + """
            subject:
              template: "CN={clientCert.cn},serialNumber={clientCert.serialNumber},O=Devices"
            """);

        var decision = profile.Evaluate(Input(Device("dev1", "SN-0042"), "CN=whatever"));

        Assert.True(decision.Effect == DecisionEffect.Allow, Given.Rules(decision));
        Assert.Equal("CN=dev1, SERIALNUMBER=SN-0042, O=Devices", new X500DistinguishedName(decision.Template!.Subject).Name);
    }

    [Fact]
    public void Evaluate_templateWithCredentialSubjectForACallerWithoutOne_isDeniedNamingThePlaceholder()
    {
        var profile = Given.Compile(Header + """
            subject:
              template: "CN={credential.subject}"
            """);

        var decision = profile.Evaluate(Input(Credential(null), "CN=x"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Contains("{credential.subject}", Given.Rules(decision), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bindCommonName: {client-certificate: \"{cn}\"}", "subject.bindCommonName.client-certificate", "request itself")]
    [InlineData("bindCommonName: {password: \"{clientCert.cn}\"}", "subject.bindCommonName.password", "unknown authentication method")]
    [InlineData("bindCommonName: {client-certificate: \"{clientCert.nope}\"}", "subject.bindCommonName.client-certificate", "unknown placeholder")]
    [InlineData("bindCommonName: [clientCert.cn]", "subject.bindCommonName", "expected a mapping")]
    public void Parse_badBinding_isALinePreciseError(string binding, string field, string message)
    {
        var result = ProfileParser.Parse(Header + "subject:\n  " + binding + "\n", "bound.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
