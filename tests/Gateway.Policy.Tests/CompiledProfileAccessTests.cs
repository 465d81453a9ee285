using Gateway.Contracts;

namespace Gateway.Policy.Tests;

public sealed class CompiledProfileAccessTests
{
    private static readonly CompiledProfile Profile = Given.Profile("""
        san:
          dns: {allow: ["*.test"]}
        """);

    [Theory]
    [InlineData(EnrollmentProtocol.Acme, AuthenticationMethods.AcmeAccount, DecisionEffect.Allow, null)]
    [InlineData(EnrollmentProtocol.Admin, AuthenticationMethods.ApiKey, DecisionEffect.Allow, null)]
    [InlineData(EnrollmentProtocol.Scep, AuthenticationMethods.AcmeAccount, DecisionEffect.Deny, "protocols")]
    [InlineData(EnrollmentProtocol.Est, AuthenticationMethods.ApiKey, DecisionEffect.Deny, "protocols")]
    [InlineData(EnrollmentProtocol.Acme, AuthenticationMethods.None, DecisionEffect.Deny, "authentication")]
    [InlineData(EnrollmentProtocol.Admin, AuthenticationMethods.HttpBasic, DecisionEffect.Deny, "authentication")]
    public void Evaluate_protocolAndAuthentication_unauthorizedWhenNotListed(EnrollmentProtocol protocol, string method, DecisionEffect expected, string? rule)
    {
        var decision = Profile.Evaluate(Given.Input(protocol: protocol, authentication: method));

        Assert.Equal(expected, decision.Effect);
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.Unauthorized, decision.Reason);
            Assert.Equal(rule, decision.FiredRules[^1].Rule);
            Assert.Equal(rule, decision.DecidingRule?.Rule);
            Assert.DoesNotContain(decision.FiredRules, r => r.Rule.StartsWith("keys", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Evaluate_allowed_recordsEveryCheckedRule()
    {
        var decision = Profile.Evaluate(Given.Dns("www.shop.test"));

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.Null(decision.Reason);
        Assert.Equal(
            ["protocols", "authentication", "keys.ec", "san.maxCount", "san.dns.allow", "validity.default", "extensions.keyUsage", "approval"],
            decision.FiredRules.Select(r => r.Rule));
        Assert.All(decision.FiredRules, r => Assert.Equal(DecisionEffect.Allow, r.Effect));
    }

    [Fact]
    public void Evaluate_severalProblems_recordsAllAndFirstDecidesReason()
    {
        var decision = Profile.Evaluate(Given.Input([SubjectAltName.Dns("evil.example")], spki: Given.RsaSpki(1024)));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadKey, decision.Reason);
        Assert.Equal(["keys.rsa.minBits", "san.dns.allow"], decision.FiredRules.Where(r => r.Effect == DecisionEffect.Deny).Select(r => r.Rule));
    }

    [Fact]
    public void Evaluate_manualApproval_pendingWithTemplate()
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            approval: manual
            """);

        var decision = profile.Evaluate(Given.Dns("host.test"));

        Assert.Equal(DecisionEffect.Pending, decision.Effect);
        Assert.Null(decision.Reason);
        Assert.NotNull(decision.Template);
        Assert.Equal("approval", decision.DecidingRule?.Rule);
        Assert.Contains("approval", decision.DecidingRule!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_manualApprovalButDenied_deniedNotPending()
    {
        var profile = Given.Profile("""
            approval: manual
            """);

        var decision = profile.Evaluate(Given.Dns("host.test"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.DoesNotContain(decision.FiredRules, r => r.Effect == DecisionEffect.Pending);
    }

    [Theory]
    [InlineData(4, null, DecisionEffect.Allow, "quotas.perRequester")]
    [InlineData(5, null, DecisionEffect.Deny, "quotas.perRequester")]
    [InlineData(50, null, DecisionEffect.Deny, "quotas.perRequester")]
    [InlineData(null, 999, DecisionEffect.Allow, "quotas.perProfile")]
    [InlineData(null, 1000, DecisionEffect.Deny, "quotas.perProfile")]
    public void Evaluate_quotaFacts_rateLimitedAtCount(int? byRequester, int? byProfile, DecisionEffect expected, string rule)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            quotas:
              perRequester: {count: 5, window: 1d}
              perProfile: {count: 1000, window: 1h}
            """);
        var facts = new PolicyFacts { IssuedToRequesterInWindow = byRequester, IssuedForProfileInWindow = byProfile };

        var decision = profile.Evaluate(Given.Dns("host.test"), facts);

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == expected);
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.RateLimited, decision.Reason);
        }

        Assert.Equal(new QuotaLimit(5, TimeSpan.FromDays(1)), profile.PerRequesterQuota);
    }

    [Theory]
    [InlineData(2, DecisionEffect.Allow)]
    [InlineData(3, DecisionEffect.Deny)]
    public void Evaluate_perName_quota_rateLimits_the_name_with_most_certificates(int byName, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            quotas:
              perName: {count: 3, window: 7d}
            """);

        var decision = profile.Evaluate(Given.Dns("host.test"), new PolicyFacts { IssuedForNameInWindow = ("DNS:host.test", byName) });

        Assert.Equal(expected, decision.Effect);
        var rule = Assert.Single(decision.FiredRules, r => r.Rule == "quotas.perName");
        Assert.Contains($"DNS:host.test has {byName} certificate(s)", rule.Reason);
        Assert.Equal(new QuotaLimit(3, TimeSpan.FromDays(7)), profile.PerNameQuota);
    }

    [Fact]
    public void NameRefusal_names_the_rule_for_names_the_profile_would_not_issue_also_when_it_would_drop_them()
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"], wildcardCertificates: false}
              ip: {allow: [10.0.0.0/8]}
              onDisallowed: drop
            """);

        Assert.Null(profile.NameRefusal(SubjectAltName.Dns("www.test")));
        Assert.Null(profile.NameRefusal(SubjectAltName.Ip("10.1.2.3")));
        Assert.StartsWith("san.dns", profile.NameRefusal(SubjectAltName.Dns("www.example.com")));
        Assert.NotNull(profile.NameRefusal(SubjectAltName.Dns("*.www.test")));
        Assert.StartsWith("san.ip", profile.NameRefusal(SubjectAltName.Ip("192.0.2.1")));
    }

    [Fact]
    public void Evaluate_noQuotaConfigured_countsIgnored()
    {
        var decision = Profile.Evaluate(Given.Dns("host.test"), new PolicyFacts { IssuedToRequesterInWindow = 1_000_000, IssuedForProfileInWindow = 1_000_000 });

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.Null(Profile.PerRequesterQuota);
    }

    [Theory]
    [InlineData(40, null, null, DecisionEffect.Deny, "renewal.window", RejectionReason.PolicyDenied)]
    [InlineData(20, null, null, DecisionEffect.Allow, "renewal.window", null)]
    [InlineData(20, true, null, DecisionEffect.Deny, "renewal.requireNewKey", RejectionReason.BadKey)]
    [InlineData(20, false, null, DecisionEffect.Allow, "renewal.requireNewKey", null)]
    [InlineData(20, null, true, DecisionEffect.Deny, "renewal.allowReenrollWithCurrentCert", RejectionReason.Unauthorized)]
    public void Evaluate_renewalFacts_checkedAgainstRenewalRules(int daysLeft, bool? reusesKey, bool? withCurrentCert, DecisionEffect expected, string rule, RejectionReason? reason)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            renewal:
              window: 30d
              requireNewKey: true
              allowReenrollWithCurrentCert: false
            """);
        var facts = new PolicyFacts
        {
            RenewalOfNotAfter = Given.Now.AddDays(daysLeft),
            RenewalReusesKey = reusesKey,
            AuthenticatedWithRenewedCertificate = withCurrentCert,
        };

        var decision = profile.Evaluate(Given.Input(renewalOf: "0a1b2c"), facts);

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == expected);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData("CN=door-1.test", "dns:door-1.test", "CN=door-1.test", "dns:DOOR-1.test", DecisionEffect.Allow)]
    [InlineData("CN=door-1.test", "dns:door-1.test", "CN=door-2.test", "dns:door-1.test", DecisionEffect.Deny)]
    [InlineData("CN=door-1.test", "dns:door-1.test", "CN=door-1.test", "dns:door-2.test", DecisionEffect.Deny)]
    [InlineData("CN=door-1.test", "dns:door-1.test", "CN=door-1.test", "dns:door-1.test,dns:vault.test", DecisionEffect.Deny)]
    public void Evaluate_renewal_keeps_the_names_of_the_renewed_certificate(string renewedSubject, string renewedSans, string subject, string sans,
        DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            """);
        var facts = new PolicyFacts
        {
            RenewalOfNotAfter = Given.Now.AddDays(20),
            RenewalOfSubject = Given.Name(renewedSubject),
            RenewalOfSubjectAltNames = renewedSans.Split(',').Select(Given.San).ToList(),
        };

        var decision = profile.Evaluate(Given.Input(sans.Split(',').Select(Given.San), subject, renewalOf: "0a1b2c"), facts);

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == "renewal.keepNames" && r.Effect == expected);
        if (expected == DecisionEffect.Deny) Assert.Equal(RejectionReason.BadCertTemplate, decision.Reason);
    }

    [Fact]
    public void Evaluate_renewal_with_keepNames_false_may_change_names_the_profile_allows()
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            renewal: {keepNames: false}
            """);
        var facts = new PolicyFacts { RenewalOfSubject = Given.Name("CN=door-1.test"), RenewalOfSubjectAltNames = [SubjectAltName.Dns("door-1.test")] };

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Dns("door-2.test")], "CN=door-2.test", renewalOf: "0a1b2c"), facts);

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.DoesNotContain(decision.FiredRules, r => r.Rule == "renewal.keepNames");
    }

    [Fact]
    public void Evaluate_notARenewal_renewalRulesSkipped()
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
            renewal: {window: 30d, requireNewKey: true}
            """);
        var facts = new PolicyFacts { RenewalOfNotAfter = Given.Now.AddDays(300), RenewalReusesKey = true };

        var decision = profile.Evaluate(Given.Input(), facts);

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.DoesNotContain(decision.FiredRules, r => r.Rule.StartsWith("renewal", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_profileVersion_reportedInDecision()
    {
        Assert.Equal("1", Profile.Evaluate(Given.Dns("a.test")).ProfileVersion);
        Assert.Equal("7", Profile.WithVersion(7).Evaluate(Given.Dns("a.test")).ProfileVersion);
        var parsed = ProfileParser.Parse("name: v\nprotocols: [acme]\nauthentication: [none]\n", "v.yaml", version: 3);
        Assert.Equal(3, parsed.Profiles[0].Version);
        Assert.Equal("3", parsed.Profiles[0].Evaluate(Given.Input(authentication: "none")).ProfileVersion);
    }
}
