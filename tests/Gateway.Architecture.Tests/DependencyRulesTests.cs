namespace Gateway.Architecture.Tests;

/// <summary>
/// Keeps ARCHITECTURE.md's dependency rules true: dependencies point inward to Contracts, protocols never reference each
/// other, Grains, Ca or Store; only Grains uses Ca and Store; only Server composes everything. Checked twice: on the
/// project files (what may be referenced) and on the compiled assemblies (what is referenced).
/// </summary>
public sealed class DependencyRulesTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        // Types that cross boundaries, and PKIX building blocks: both reference nothing of ours.
        ["Gateway.Contracts"] = [],
        ["Gateway.Pkix"] = [],
        ["Gateway.Policy"] = ["Gateway.Contracts", "Gateway.Pkix"],
        ["Gateway.Ca"] = ["Gateway.Contracts", "Gateway.Pkix"],
        ["Gateway.Store"] = ["Gateway.Contracts"],
        ["Gateway.Grains"] = ["Gateway.Contracts", "Gateway.Pkix", "Gateway.Policy", "Gateway.Ca", "Gateway.Store"],
        ["Gateway.Admin"] = ["Gateway.Contracts", "Gateway.Pkix"],
        // The enrollment port: the only protocol-side code that talks to grains.
        ["Gateway.Protocols.Common"] = ["Gateway.Contracts", "Gateway.Pkix"],
        // Orleans membership on PostgreSQL: infrastructure for the host, knows nothing of the domain; only Server composes it.
        ["Gateway.Cluster"] = [],
        // The embedded PostgreSQL launcher: host-side infrastructure, knows nothing of the domain; only Server composes it.
        ["Gateway.Hosting.Postgres"] = [],
    };

    private static string[] AllowedFor(string project) =>
        Allowed.TryGetValue(project, out var allowed) ? allowed
        : project.StartsWith("Gateway.Protocols.", StringComparison.Ordinal) ? ["Gateway.Contracts", "Gateway.Protocols.Common", "Gateway.Pkix"]
        : project == "Gateway.Server" ? Projects().Where(p => p != "Gateway.Server").ToArray()
        : throw new InvalidOperationException($"Project {project} has no dependency rule: add it to ARCHITECTURE.md and to this test.");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Gateway.sln not found");
    }

    private static string[] Projects() =>
        Directory.GetDirectories(Path.Combine(RepoRoot(), "src")).Select(Path.GetFileName).Where(n => n!.StartsWith("Gateway.", StringComparison.Ordinal)).ToArray()!;

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var p in Projects()) data.Add(p);
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Project_references_only_what_the_rules_allow(string project)
    {
        var references = ReferenceChecker.ProjectReferences(Path.Combine(RepoRoot(), "src", project, project + ".csproj"));
        var forbidden = ReferenceChecker.ForbiddenOwnReferences(references, AllowedFor(project));
        Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}; allowed: {string.Join(", ", AllowedFor(project))}");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Assembly_references_only_what_the_rules_allow(string project)
    {
        var path = Path.Combine(AppContext.BaseDirectory, project + ".dll");
        Assert.True(File.Exists(path), $"{path} not built next to the tests");
        var forbidden = ReferenceChecker.ForbiddenOwnReferences(ReferenceChecker.AssemblyReferences(path), AllowedFor(project));
        Assert.True(forbidden.Count == 0, $"{project}.dll references {string.Join(", ", forbidden)}; allowed: {string.Join(", ", AllowedFor(project))}");
    }

    /// <summary>
    /// Protocol front-ends that still call grains directly, each with the reason. OCSP and the CRL endpoint (in
    /// Gateway.Protocols.Ocsp) are being changed on another branch (bounded unknown-serial cache, CRL issuers answered
    /// without activating a grain); they move onto the port when that lands. Empty this list, don't grow it.
    /// </summary>
    private static readonly HashSet<string> NotYetOnThePort = new(StringComparer.Ordinal) { "Gateway.Protocols.Ocsp" };

    /// <summary>Protocol front-ends (every <c>Gateway.Protocols.*</c> but Common) reach the core only through the port.</summary>
    public static TheoryData<string> ProtocolProjects()
    {
        var data = new TheoryData<string>();
        foreach (var p in Projects().Where(p => p.StartsWith("Gateway.Protocols.", StringComparison.Ordinal) && p != "Gateway.Protocols.Common"
            && !NotYetOnThePort.Contains(p))) data.Add(p);
        return data;
    }

    [Theory]
    [MemberData(nameof(ProtocolProjects))]
    public void Protocol_assembly_uses_no_grain_factory_or_grain_interface(string project)
    {
        var violations = GrainUsageChecker.Violations(Path.Combine(AppContext.BaseDirectory, project + ".dll"));
        Assert.True(violations.Count == 0, $"{project}.dll uses {string.Join(", ", violations)}; protocol front-ends go through IEnrollmentPort (Gateway.Protocols.Common)");
    }

    [Theory]
    [InlineData("Gateway.Protocols.Common", "Orleans.IGrainFactory", "Gateway.Contracts.Grains.IEnrollmentGrain")]
    [InlineData("Gateway.Admin", "Orleans.IGrainFactory", "Gateway.Contracts.Grains.IProfileGrain")]
    public void Grain_usage_checker_reports_an_assembly_that_uses_grains(string project, string factory, string grainInterface)
    {
        // The negative case: the same checker, on assemblies that do talk to grains, names what they use.
        var violations = GrainUsageChecker.Violations(Path.Combine(AppContext.BaseDirectory, project + ".dll"));
        Assert.Contains(factory, violations);
        Assert.Contains(grainInterface, violations);
    }

    [Fact]
    public void Only_the_server_references_the_cluster_project()
    {
        var referencing = Projects().Where(p => p != "Gateway.Server" && AllowedFor(p).Contains("Gateway.Cluster")).ToList();
        Assert.Empty(referencing);
        Assert.Contains("Gateway.Cluster", AllowedFor("Gateway.Server"));
    }

    /// <summary>What Gateway.Pkix may use besides the platform (ARCHITECTURE.md: BCL crypto, System.Formats.Asn1, BouncyCastle).</summary>
    private static readonly string[] PkixPackages = ["BouncyCastle.Cryptography"];

    [Theory]
    [InlineData("Gateway.Contracts")]
    [InlineData("Gateway.Pkix")]
    public void Contracts_and_Pkix_reference_nothing_of_ours(string project)
    {
        Assert.Empty(AllowedFor(project));
        var projectReferences = ReferenceChecker.ProjectReferences(Path.Combine(RepoRoot(), "src", project, project + ".csproj"));
        var assemblyReferences = ReferenceChecker.AssemblyReferences(Path.Combine(AppContext.BaseDirectory, project + ".dll"));
        Assert.Empty(projectReferences);
        Assert.Empty(ReferenceChecker.ForbiddenOwnReferences(assemblyReferences, []));
    }

    [Fact]
    public void Pkix_assembly_references_only_the_platform_and_BouncyCastle()
    {
        // No Orleans either: a Contracts type slipping into Pkix would bring it along.
        var references = ReferenceChecker.AssemblyReferences(Path.Combine(AppContext.BaseDirectory, "Gateway.Pkix.dll"));
        var beyond = ReferenceChecker.BeyondPlatform(references, PkixPackages);
        Assert.True(beyond.Count == 0, $"Gateway.Pkix.dll references {string.Join(", ", beyond)}; it may use the BCL and BouncyCastle only");
    }

    [Fact]
    public void Reference_checker_reports_a_Pkix_project_that_references_Contracts()
    {
        // The negative case on a project file: Pkix's rule applied to a Pkix that took a Contracts reference.
        var directory = Directory.CreateTempSubdirectory("arch-pkix-");
        try
        {
            var csproj = Path.Combine(directory.FullName, "Gateway.Pkix.csproj");
            File.WriteAllText(csproj, """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <ProjectReference Include="..\Gateway.Contracts\Gateway.Contracts.csproj" />
                  </ItemGroup>
                </Project>
                """);

            var forbidden = ReferenceChecker.ForbiddenOwnReferences(ReferenceChecker.ProjectReferences(csproj), AllowedFor("Gateway.Pkix"));

            Assert.Equal(["Gateway.Contracts"], forbidden);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Reference_checker_reports_compiled_references_a_rule_forbids()
    {
        // The negative cases on compiled assemblies: Policy (which uses Contracts and Pkix) judged by Pkix's and by
        // Contracts' rule, and Contracts (which uses Orleans) judged by Pkix's platform-only rule.
        var policy = ReferenceChecker.AssemblyReferences(Path.Combine(AppContext.BaseDirectory, "Gateway.Policy.dll"));
        var contracts = ReferenceChecker.AssemblyReferences(Path.Combine(AppContext.BaseDirectory, "Gateway.Contracts.dll"));

        Assert.Contains("Gateway.Contracts", ReferenceChecker.ForbiddenOwnReferences(policy, AllowedFor("Gateway.Pkix")));
        Assert.Contains("Gateway.Pkix", ReferenceChecker.ForbiddenOwnReferences(policy, AllowedFor("Gateway.Contracts")));
        Assert.Contains(ReferenceChecker.BeyondPlatform(contracts, PkixPackages), r => r.StartsWith("Orleans", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_catch_a_forbidden_reference()
    {
        // The check itself can fail: Admin may not reach Store.
        Assert.DoesNotContain("Gateway.Store", AllowedFor("Gateway.Admin"));
        Assert.DoesNotContain("Gateway.Ca", AllowedFor("Gateway.Protocols.Est"));
        Assert.DoesNotContain("Gateway.Grains", AllowedFor("Gateway.Protocols.Acme"));
        Assert.DoesNotContain("Gateway.Store", AllowedFor("Gateway.Protocols.Common"));
        Assert.DoesNotContain("Gateway.Protocols.Est", AllowedFor("Gateway.Protocols.Scep"));
        Assert.DoesNotContain("Gateway.Cluster", AllowedFor("Gateway.Grains"));
        Assert.DoesNotContain("Gateway.Store", AllowedFor("Gateway.Cluster"));
    }
}
