using System.Reflection;
using Gateway.Ca;
using Gateway.Contracts;

namespace Gateway.Architecture.Tests;

/// <summary>Architecture rule 5: every certificate the CA signs is in the store, because only two callers may ask it to sign.</summary>
public sealed class SigningRuleTests
{
    private static readonly string[] Allowed = ["Gateway.Ca.GatewayCertificates::Issue", "Gateway.Grains.EnrollmentGrain"];

    private static IEnumerable<Assembly> GatewayAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "Gateway.*.dll")
            .Where(p => !Path.GetFileName(p).StartsWith("Gateway.Architecture.Tests", StringComparison.Ordinal))
            .Select(Assembly.LoadFrom);

    [Fact]
    public void Only_the_enrollment_grain_and_GatewayCertificates_ask_the_CA_to_sign()
    {
        var callers = GatewayAssemblies().SelectMany(IssueCallChecker.Callers).ToList();

        Assert.Contains(callers, c => c == "Gateway.Ca.GatewayCertificates::Issue");
        Assert.Contains(callers, c => c.StartsWith("Gateway.Grains.EnrollmentGrain", StringComparison.Ordinal));
        Assert.All(callers, c => Assert.True(Allowed.Any(a => c.StartsWith(a, StringComparison.Ordinal)), $"{c} signs with the CA outside the recorded paths"));
    }

    [Fact]
    public void Checker_reports_a_method_that_signs_directly()
    {
        var callers = IssueCallChecker.Callers(typeof(SigningRuleTests).Assembly);

        Assert.Contains($"{typeof(SignsOnTheSide).FullName}::{nameof(SignsOnTheSide.Sign)}", callers);
    }

    /// <summary>What the rule forbids (never run): signing without recording.</summary>
    private static class SignsOnTheSide
    {
        public static IssuedCertificate Sign(ICertificateAuthority ca, CertificateTemplate template) => ca.Issue(template);
    }
}
