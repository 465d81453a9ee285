namespace Gateway.Policy.Tests;

public sealed class ProfileRevocationTests
{
    [Fact]
    public void Parse_withoutRevocationSection_holdsAreNotAllowed()
    {
        Assert.False(Given.Profile().AllowsCertificateHold);
    }

    [Theory]
    [InlineData("revocation: {allowHold: true}", true)]
    [InlineData("revocation: {allowHold: false}", false)]
    [InlineData("revocation: {}", false)]
    public void Parse_revocationAllowHold_isCompiled(string section, bool expected)
    {
        Assert.Equal(expected, Given.Profile(section + "\n").AllowsCertificateHold);
    }

    [Theory]
    [InlineData("revocation: {allowHold: sometimes}", "revocation.allowHold", "expected true or false")]
    [InlineData("revocation: {allowHolds: true}", "revocation.allowHolds", "")]
    [InlineData("revocation: true", "revocation", "expected a mapping")]
    public void Parse_malformedRevocationSection_isAnErrorOnTheField(string section, string field, string message)
    {
        var yaml = "name: test\nprotocols: [admin]\nauthentication: [api-key]\n" + section + "\n";

        var result = ProfileParser.Parse(yaml, "test.yaml");

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(4, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ShippedProfiles_onlyMdmDeviceAllowsHolds()
    {
        var catalog = ProfileCatalog.LoadDirectory(Path.Combine(RepoRoot(), "policies"));

        Assert.Empty(catalog.Errors);
        Assert.Equal(["mdm-device"], catalog.Catalog!.Profiles.Where(p => p.AllowsCertificateHold).Select(p => p.Name).ToArray());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Gateway.sln not found");
    }
}
