using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Policy.Tests;

/// <summary>
/// Issue 13 item 5 and its Low items: values the CA cannot or must not encode are refused by policy with a 400-class
/// reason (never reaching the encoder to become a 500), DNS names are issued as they are matched, and a key that no
/// configured key usage suits is refused rather than given a certificate without KeyUsage.
/// </summary>
public sealed class CompiledProfileNameSafetyTests
{
    private static readonly CompiledProfile Profile = Given.Profile("""
        subject:
          required: [CN]
        san:
          dns: {allow: ["*.test"]}
          email: {allow: ["*@*.test"]}
          uri: {allow: ["urn:dev:*", "https://*"]}
          onDisallowed: drop
        """);

    private static PolicyInput Input(string subject, params string[] sans) =>
        Given.Input(sans.Length == 0 ? [SubjectAltName.Dns("host.test")] : sans.Select(Given.San), subject: subject);

    [Theory]
    [InlineData("CN=dev1\u0007.test")]
    [InlineData("CN=dev1\u0000x")]
    [InlineData("CN=dev1\u001b[31m")]
    [InlineData("CN=dev1\u007f.test")]
    [InlineData("CN=dev1\u0085.test")]
    [InlineData("CN=dev1.test, O=Acme\u009b")]
    public void Evaluate_controlCharacterInASubjectAttribute_isBadRequest(string subject)
    {
        var decision = Profile.Evaluate(Input(subject));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadRequest, decision.Reason);
        Assert.Contains(decision.FiredRules, r => r.Rule == "subject.controlCharacters" && r.Effect == DecisionEffect.Deny);
    }

    [Theory]
    [InlineData("dns:host.test\nx", "san.controlCharacters")]
    [InlineData("dns:host\u0000.test", "san.controlCharacters")]
    [InlineData("email:dev1\u0001@host.test", "san.controlCharacters")]
    [InlineData("email:dev1@host.test\u007f", "san.controlCharacters")]
    [InlineData("uri:urn:dev:dev1\u001b", "san.controlCharacters")]
    [InlineData("uri:urn:dev:\u0085", "san.controlCharacters")]
    [InlineData("email:dev1@evil@host.test", "san.email")]
    [InlineData("email:\"dev 1\"@host.test", "san.email")]
    [InlineData("email:dév@host.test", "san.email")]
    [InlineData("uri:urn:", "san.uri")]
    [InlineData("uri:https://[::1", "san.uri")]
    [InlineData("uri:urn:dev:é", "san.uri")]
    public void Evaluate_sanTheEncoderCannotCarry_isBadRequestEvenWhenDisallowedNamesAreDropped(string san, string rule)
    {
        var decision = Profile.Evaluate(Input("CN=host.test", "dns:host.test", san));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadRequest, decision.Reason);
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == DecisionEffect.Deny);
    }

    [Theory]
    [InlineData("email:dev1@host.test")]
    [InlineData("uri:urn:dev:dev1")]
    [InlineData("uri:https://dev1.test/path?q=1")]
    public void Evaluate_wellFormedEmailAndUri_isAllowed(string san)
    {
        var decision = Profile.Evaluate(Input("CN=host.test", san));

        Assert.True(decision.Effect == DecisionEffect.Allow, Given.Rules(decision));
    }

    [Theory]
    [InlineData("host.test.", "host.test")]
    [InlineData("HOST.test.", "HOST.test")]
    [InlineData("host.test", "host.test")]
    public void Evaluate_dnsNameWithTrailingDot_isIssuedWithoutIt(string requested, string issued)
    {
        var decision = Profile.Evaluate(Input("CN=host.test", "dns:" + requested));

        Assert.True(decision.Effect == DecisionEffect.Allow, Given.Rules(decision));
        Assert.Equal([SubjectAltName.Dns(issued)], decision.Template!.SubjectAltNames);
    }

    [Theory]
    [InlineData("ec", "[keyEncipherment]")]
    [InlineData("rsa", "[keyAgreement]")]
    [InlineData("ed25519", "[keyEncipherment, keyAgreement]")]
    public void Evaluate_noConfiguredKeyUsageSuitsTheKey_isDeniedInsteadOfIssuedWithoutKeyUsage(string key, string usages)
    {
        var profile = Given.Profile(Given.TestNames + $$"""
            keys: {rsa: {}, ec: [P-256], ed25519: true}
            extensions:
              keyUsage: {{usages}}
            """);
        var spki = key switch
        {
            "rsa" => Given.RsaSpki(2048),
            "ec" => Given.EcSpki(Given.P256),
            _ => Given.Ed25519Spki(),
        };

        var decision = profile.Evaluate(Given.Input(spki: spki));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadKey, decision.Reason);
        Assert.Contains(decision.FiredRules, r => r.Rule == "extensions.keyUsage" && r.Effect == DecisionEffect.Deny);
    }

    [Fact]
    public void Evaluate_someConfiguredKeyUsageSuitsTheKey_isAllowedWithThoseBits()
    {
        var profile = Given.Profile(Given.TestNames + """
            extensions:
              keyUsage: [digitalSignature, keyEncipherment]
            """);

        var decision = profile.Evaluate(Given.Input(spki: Given.EcSpki(Given.P256)));

        Assert.Equal((int)X509KeyUsageFlags.DigitalSignature, decision.Template!.KeyUsage);
    }
}
