using System.Security.Cryptography;
using Gateway.Contracts;

namespace Gateway.Policy.Tests;

public sealed class CompiledProfileKeyTests
{
    private static readonly CompiledProfile Profile = Given.Profile(Given.TestNames + """
        keys:
          rsa: {minBits: 2048, maxBits: 8192}
          ec: [P-256, P-384]
        """);

    public static TheoryData<string, byte[], DecisionEffect, string> Keys => new()
    {
        { "RSA 1024", Given.RsaSpki(1024), DecisionEffect.Deny, "keys.rsa.minBits" },
        { "RSA 2047", Given.RsaSpki(2048 - 8), DecisionEffect.Deny, "keys.rsa.minBits" },
        { "RSA 2048", Given.RsaSpki(2048), DecisionEffect.Allow, "keys.rsa.minBits" },
        { "RSA 4096", Given.RsaSpki(4096), DecisionEffect.Allow, "keys.rsa.maxBits" },
        { "RSA 16384", Given.RsaSpki(16384), DecisionEffect.Deny, "keys.rsa.maxBits" },
        { "RSA e=3", Given.RsaSpki(2048, exponent: 3), DecisionEffect.Deny, "keys.rsa.exponent" },
        { "RSA e even", Given.RsaSpki(2048, exponent: 65536), DecisionEffect.Deny, "keys.rsa.exponent" },
        { "EC P-256", Given.EcSpki(Given.P256), DecisionEffect.Allow, "keys.ec" },
        { "EC P-384", Given.EcSpki(Given.P384), DecisionEffect.Allow, "keys.ec" },
        { "EC P-521 not listed", Given.EcSpki(Given.P521), DecisionEffect.Deny, "keys.ec" },
        { "EC P-192", Given.EcSpki(Given.P192), DecisionEffect.Deny, "keys.ec" },
        { "EC unknown curve", Given.EcSpki("1.2.3.4.5"), DecisionEffect.Deny, "keys.ec" },
        { "Ed25519 not enabled", Given.Ed25519Spki(), DecisionEffect.Deny, "keys.ed25519" },
        { "Ed448", Given.Spki("1.3.101.113", null, new byte[57]), DecisionEffect.Deny, "keys.algorithm" },
        { "DSA", Given.Spki("1.2.840.10040.4.1", null, new byte[128]), DecisionEffect.Deny, "keys.algorithm" },
        { "garbage", [0x01, 0x02, 0x03], DecisionEffect.Deny, "keys.spki" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Evaluate_key_checkedAgainstAlgorithmRules(string label, byte[] spki, DecisionEffect expected, string rule)
    {
        var decision = Profile.Evaluate(Given.Input(spki: spki));

        Assert.True(expected == decision.Effect, $"{label}: {Given.Rules(decision)}");
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == expected);
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.BadKey, decision.Reason);
        }
    }

    [Fact]
    public void Evaluate_rsa1024_reasonNamesSizeAndMinimum()
    {
        var decision = Profile.Evaluate(Given.Input(spki: Given.RsaSpki(1024)));

        var rule = Assert.Single(decision.FiredRules, r => r.Effect == DecisionEffect.Deny);
        Assert.Equal("keys.rsa.minBits", rule.Rule);
        Assert.Equal("RSA key of 1024 bits is below the minimum 2048", rule.Reason);
    }

    [Theory]
    [InlineData("true", DecisionEffect.Allow)]
    [InlineData("false", DecisionEffect.Deny)]
    public void Evaluate_ed25519Key_followsFlag(string flag, DecisionEffect expected)
    {
        var profile = Given.Profile(Given.TestNames + $"""
            keys:
              ec: [P-256]
              ed25519: {flag}
            """);

        var decision = profile.Evaluate(Given.Input(spki: Given.Ed25519Spki()));

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == "keys.ed25519" && r.Effect == expected);
    }

    [Theory]
    [InlineData("ec: [P-256]", "rsa", DecisionEffect.Deny, "keys.rsa")]
    [InlineData("rsa: {}", "ec", DecisionEffect.Deny, "keys.ec")]
    [InlineData("rsa:", "rsa", DecisionEffect.Allow, "keys.rsa.minBits")]
    [InlineData("allowReuse: true", "rsa", DecisionEffect.Allow, "keys.rsa.minBits")]
    [InlineData("allowReuse: true", "ec", DecisionEffect.Allow, "keys.ec")]
    public void Evaluate_algorithmsNotWritten_allowedOnlyWhenKeysNamesNone(string keys, string algorithm, DecisionEffect expected, string rule)
    {
        var profile = Given.Profile(Given.TestNames + $"""
            keys:
              {keys}
            """);
        var spki = algorithm == "rsa" ? Given.RsaSpki(2048) : Given.EcSpki(Given.P384);

        var decision = profile.Evaluate(Given.Input(spki: spki));

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == expected);
    }

    [Fact]
    public void Evaluate_realGeneratedKeys_allowed()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(DecisionEffect.Allow, Profile.Evaluate(Given.Input(spki: rsa.ExportSubjectPublicKeyInfo())).Effect);
        Assert.Equal(DecisionEffect.Allow, Profile.Evaluate(Given.Input(spki: ec.ExportSubjectPublicKeyInfo())).Effect);
    }

    [Fact]
    public void Evaluate_keyDescriptionOverstatesSize_spkiDecides()
    {
        var input = Given.Input(spki: Given.RsaSpki(1024), key: new KeyDescription(KeyDescription.Rsa, 4096, null));

        var decision = Profile.Evaluate(input);

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadKey, decision.Reason);
    }

    [Theory]
    [InlineData(false, null, DecisionEffect.Allow, false)]
    [InlineData(false, false, DecisionEffect.Allow, true)]
    [InlineData(false, true, DecisionEffect.Deny, true)]
    [InlineData(true, true, DecisionEffect.Allow, true)]
    public void Evaluate_keyInUseByOtherSubject_deniedUnlessReuseAllowed(bool allowReuse, bool? inUse, DecisionEffect expected, bool ruleFired)
    {
        var profile = Given.Profile(Given.TestNames + $"""
            keys:
              allowReuse: {allowReuse.ToString().ToLowerInvariant()}
            """);

        var decision = profile.Evaluate(Given.Input(), new PolicyFacts { KeyInUseByOtherSubject = inUse });

        Assert.Equal(expected, decision.Effect);
        Assert.Equal(ruleFired, decision.FiredRules.Any(r => r.Rule == "keys.allowReuse"));
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.BadKey, decision.Reason);
        }
    }
}
