using Gateway.Contracts;

namespace Gateway.Policy.Tests;

public sealed class CompiledProfileSanTests
{
    private static readonly CompiledProfile DnsProfile = Given.Profile("""
        san:
          dns:
            allow: ["*.test", "exact.example"]
            deny: ["*.bad.test", "blocked.test"]
        """);

    private static readonly CompiledProfile WildcardProfile = Given.Profile("""
        san:
          dns:
            allow: ["*.test"]
            deny: ["*.bad.test", "db.secret.test"]
            wildcardCertificates: true
        """);

    [Theory]
    [InlineData("host.test", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("a.b.c.test", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("HOST.Test", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("host.test.", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("test", DecisionEffect.Deny, "san.dns.allow")]
    [InlineData("xtest", DecisionEffect.Deny, "san.dns.allow")]
    [InlineData("exact.example", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("EXACT.example", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("sub.exact.example", DecisionEffect.Deny, "san.dns.allow")]
    [InlineData("other.example", DecisionEffect.Deny, "san.dns.allow")]
    [InlineData("x.bad.test", DecisionEffect.Deny, "san.dns.deny")]
    [InlineData("deep.x.BAD.test", DecisionEffect.Deny, "san.dns.deny")]
    [InlineData("bad.test", DecisionEffect.Allow, "san.dns.allow")]
    [InlineData("blocked.test", DecisionEffect.Deny, "san.dns.deny")]
    [InlineData("*.wild.test", DecisionEffect.Deny, "san.dns.wildcardCertificates")]
    [InlineData("host..test", DecisionEffect.Deny, "san.dns")]
    [InlineData("-host.test", DecisionEffect.Deny, "san.dns")]
    [InlineData("ho st.test", DecisionEffect.Deny, "san.dns")]
    public void Evaluate_dnsName_matchesPatternsAndDenyWins(string name, DecisionEffect expected, string rule)
    {
        var decision = DnsProfile.Evaluate(Given.Dns(name));

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == rule && r.Effect == expected);
        if (expected == DecisionEffect.Deny)
        {
            Assert.Equal(RejectionReason.BadName, decision.Reason);
            Assert.Null(decision.Template);
        }
    }

    [Theory]
    [InlineData("*.a.test", DecisionEffect.Allow)]
    [InlineData("*.test", DecisionEffect.Allow)]
    [InlineData("*.bad.test", DecisionEffect.Deny)]
    [InlineData("*.x.bad.test", DecisionEffect.Deny)]
    [InlineData("*.secret.test", DecisionEffect.Deny)]
    [InlineData("*.example", DecisionEffect.Deny)]
    [InlineData("a.*.test", DecisionEffect.Deny)]
    [InlineData("*a.test", DecisionEffect.Deny)]
    public void Evaluate_wildcardCertificateName_allowedOnlyWhenCoveredNamesAre(string name, DecisionEffect expected)
    {
        var decision = WildcardProfile.Evaluate(Given.Dns(name));

        Assert.Equal(expected, decision.Effect);
    }

    [Theory]
    [InlineData("anything.example", DecisionEffect.Allow)]
    [InlineData("localhost", DecisionEffect.Allow)]
    [InlineData("db.internal", DecisionEffect.Deny)]
    public void Evaluate_matchAllPattern_allowsEveryNameButDenied(string name, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*"], deny: ["*.internal"]}
            """);

        Assert.Equal(expected, profile.Evaluate(Given.Dns(name)).Effect);
    }

    [Fact]
    public void Evaluate_allowedDnsName_firesRuleNamingThePattern()
    {
        var decision = DnsProfile.Evaluate(Given.Dns("x.example.test"));

        var rule = Assert.Single(decision.FiredRules, r => r.Rule == "san.dns.allow");
        Assert.Equal(DecisionEffect.Allow, rule.Effect);
        Assert.Equal("DNS name x.example.test matches *.test", rule.Reason);
    }

    [Fact]
    public void Evaluate_deniedDnsName_firesRuleNamingTheDenyPattern()
    {
        var decision = DnsProfile.Evaluate(Given.Dns("www.bad.test"));

        var rule = Assert.Single(decision.FiredRules, r => r.Effect == DecisionEffect.Deny);
        Assert.Equal("san.dns.deny", rule.Rule);
        Assert.Equal("DNS name www.bad.test matches denied pattern *.bad.test", rule.Reason);
        Assert.Same(rule, decision.DecidingRule);
    }

    [Theory]
    [InlineData("10.1.2.3", DecisionEffect.Allow)]
    [InlineData("10.0.0.0", DecisionEffect.Allow)]
    [InlineData("10.255.1.1", DecisionEffect.Deny)]
    [InlineData("11.0.0.1", DecisionEffect.Deny)]
    [InlineData("192.168.1.127", DecisionEffect.Allow)]
    [InlineData("192.168.1.128", DecisionEffect.Deny)]
    [InlineData("fd12:3456::1", DecisionEffect.Allow)]
    [InlineData("FD00::abcd", DecisionEffect.Allow)]
    [InlineData("fe80::1", DecisionEffect.Deny)]
    [InlineData("::1", DecisionEffect.Allow)]
    [InlineData("::2", DecisionEffect.Deny)]
    [InlineData("::ffff:10.1.2.3", DecisionEffect.Allow)]
    [InlineData("::ffff:10.255.0.1", DecisionEffect.Deny)]
    [InlineData("not-an-address", DecisionEffect.Deny)]
    public void Evaluate_ipAddress_matchesCidrBlocksV4AndV6(string address, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              ip:
                allow: [10.0.0.0/8, "fd00::/8", "::1", 192.168.1.0/25]
                deny: [10.255.0.0/16]
            """);

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Ip(address)]));

        Assert.Equal(expected, decision.Effect);
    }

    [Theory]
    [InlineData("alice@example.test", DecisionEffect.Allow)]
    [InlineData("ALICE@Example.TEST", DecisionEffect.Allow)]
    [InlineData("bob@sub.corp.test", DecisionEffect.Allow)]
    [InlineData("bob@corp.test", DecisionEffect.Deny)]
    [InlineData("boss@other.test", DecisionEffect.Allow)]
    [InlineData("minion@other.test", DecisionEffect.Deny)]
    [InlineData("spam@example.test", DecisionEffect.Deny)]
    [InlineData("alice@example.org", DecisionEffect.Deny)]
    [InlineData("no-at-sign", DecisionEffect.Deny)]
    public void Evaluate_emailAddress_matchesLocalAndDomainPatterns(string address, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              email:
                allow: ["*@example.test", "*@*.corp.test", "boss@other.test"]
                deny: ["spam@example.test"]
            """);

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Email(address)]));

        Assert.Equal(expected, decision.Effect);
    }

    [Theory]
    [InlineData("spiffe://example.test/ns/web", DecisionEffect.Allow)]
    [InlineData("spiffe://example.test/admin/root", DecisionEffect.Deny)]
    [InlineData("spiffe://other.test/ns/web", DecisionEffect.Deny)]
    [InlineData("spiffe://example.test/ns/../admin/root", DecisionEffect.Deny)]
    [InlineData("SPIFFE://example.test/ns/web", DecisionEffect.Deny)]
    [InlineData("urn:dev:vendor:model:fw", DecisionEffect.Allow)]
    [InlineData("urn:dev:fw", DecisionEffect.Deny)]
    [InlineData("no scheme", DecisionEffect.Deny)]
    public void Evaluate_uri_matchesGlobs(string uri, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              uri:
                allow: ["spiffe://example.test/*", "urn:dev:*:fw"]
                deny: ["spiffe://example.test/admin/*"]
            """);

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Uri(uri)]));

        Assert.Equal(expected, decision.Effect);
    }

    [Theory]
    [InlineData("urn:gateway:cluster:gateway:gateway")]
    [InlineData("URN:Gateway:cluster:gateway:gateway")]
    [InlineData("urn:gateway:anything")]
    public void Evaluate_uriInTheGatewaysReservedNamespace_deniedEvenWhenAllowed(string uri)
    {
        // urn:gateway: names the gateway's own certificates (a silo certificate of cluster TLS carries
        // urn:gateway:cluster:<service>:<cluster>): no profile may put it into a certificate, whatever it allows.
        var profile = Given.Profile("""
            san:
              uri:
                allow: ["urn:*", "URN:*"]
            """);

        var decision = profile.Evaluate(Given.Input([SubjectAltName.Uri(uri)]));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadName, decision.Reason);
        Assert.Equal("san.uri.reserved", decision.DecidingRule?.Rule);
    }

    [Fact]
    public void Evaluate_uriOutsideTheReservedNamespace_allowedByTheSameProfile()
    {
        var profile = Given.Profile("""
            san:
              uri:
                allow: ["urn:*"]
            """);

        Assert.Equal(DecisionEffect.Allow, profile.Evaluate(Given.Input([SubjectAltName.Uri("urn:gatewayx:cluster:a:b")])).Effect);
    }

    [Theory]
    [InlineData("ip:10.0.0.1", "san.ip.allow")]
    [InlineData("email:a@host.test", "san.email.allow")]
    [InlineData("uri:urn:x", "san.uri.allow")]
    [InlineData("other:1.2.3.4;abc", "san.other")]
    public void Evaluate_sanTypeWithoutSection_denied(string san, string rule)
    {
        var decision = DnsProfile.Evaluate(Given.Input([Given.San(san)]));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Equal(RejectionReason.BadName, decision.Reason);
        Assert.Equal(rule, decision.DecidingRule?.Rule);
    }

    [Theory]
    [InlineData(1, DecisionEffect.Allow)]
    [InlineData(3, DecisionEffect.Allow)]
    [InlineData(4, DecisionEffect.Deny)]
    public void Evaluate_sanCount_limitedByMaxCount(int count, DecisionEffect expected)
    {
        var profile = Given.Profile("""
            san:
              dns: {allow: ["*.test"]}
              maxCount: 3
            """);

        var decision = profile.Evaluate(Given.Dns(Enumerable.Range(0, count).Select(i => $"h{i}.test").ToArray()));

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == "san.maxCount" && r.Effect == expected);
    }

    [Theory]
    [InlineData("refuse", DecisionEffect.Deny, 0)]
    [InlineData("drop", DecisionEffect.Allow, 2)]
    public void Evaluate_disallowedName_refusedOrDropped(string mode, DecisionEffect expected, int issued)
    {
        var profile = Given.Profile($$"""
            san:
              dns: {allow: ["*.test"], deny: ["*.bad.test"]}
              onDisallowed: {{mode}}
            """);

        var decision = profile.Evaluate(Given.Dns("a.test", "evil.example", "b.test", "x.bad.test"));

        Assert.Equal(expected, decision.Effect);
        Assert.Equal(issued, decision.Template?.SubjectAltNames.Count ?? 0);
        if (mode == "drop")
        {
            Assert.Equal(["a.test", "b.test"], decision.Template!.SubjectAltNames.Select(s => s.Value));
            var dropped = decision.FiredRules.Where(r => r.Rule == "san.onDisallowed").ToList();
            Assert.Equal(2, dropped.Count);
            Assert.Contains("evil.example", dropped[0].Reason, StringComparison.Ordinal);
            Assert.Contains("x.bad.test", dropped[1].Reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(RejectionReason.BadName, decision.Reason);
            Assert.Equal(2, decision.FiredRules.Count(r => r.Effect == DecisionEffect.Deny));
        }
    }

    [Theory]
    [InlineData("drop", new[] { "evil.example" }, DecisionEffect.Deny)]
    [InlineData("drop", new[] { "evil.example", "ok.test" }, DecisionEffect.Allow)]
    [InlineData("refuse", new string[0], DecisionEffect.Deny)]
    public void Evaluate_requiredSan_needsOneNameLeft(string mode, string[] names, DecisionEffect expected)
    {
        var profile = Given.Profile($$"""
            san:
              dns: {allow: ["*.test"]}
              onDisallowed: {{mode}}
              required: true
            """);

        var decision = profile.Evaluate(Given.Dns(names));

        Assert.Equal(expected, decision.Effect);
        Assert.Contains(decision.FiredRules, r => r.Rule == "san.required" && r.Effect == expected);
    }

    [Fact]
    public void Evaluate_nothingDropped_issuesTheRequestedNames()
    {
        var input = Given.Dns("a.test", "b.test");

        var decision = DnsProfile.Evaluate(input);

        Assert.Equal(input.SubjectAltNames, decision.Template!.SubjectAltNames);
    }
}
