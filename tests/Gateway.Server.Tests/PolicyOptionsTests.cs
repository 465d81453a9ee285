using Gateway.Grains;
using Gateway.Grains.Profiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

/// <summary>Gateway:Policies:AllowSensitiveExtendedKeyUsages is validated at start (issue 13 item 7).</summary>
public sealed class PolicyOptionsTests
{
    private static PolicyOptions Resolve(params string[] allowed)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Policies:Path"] = Path.Combine(AppContext.BaseDirectory, "testdata", "policies"),
        };
        for (var i = 0; i < allowed.Length; i++) settings[$"Gateway:Policies:AllowSensitiveExtendedKeyUsages:{i}"] = allowed[i];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGatewayGrains(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PolicyOptions>>().Value;
    }

    [Theory]
    [InlineData("ocspSigning", "ocspSigning cannot be allowed")]
    [InlineData("1.3.6.1.5.5.7.3.9", "ocspSigning cannot be allowed")]
    [InlineData("codesigning-typo", "is not an extended key usage")]
    public void AllowSensitiveExtendedKeyUsages_invalidEntry_stopsTheStartNamingTheOption(string value, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("codeSigning", value));

        Assert.Contains("Gateway:Policies:AllowSensitiveExtendedKeyUsages:1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowSensitiveExtendedKeyUsages_namesAndOids_areAccepted()
    {
        var options = Resolve("codeSigning", "1.3.6.1.5.5.7.3.8", "1.3.6.1.4.1.99999.1");

        Assert.Equal(["1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.8", "1.3.6.1.4.1.99999.1"], options.ParseOptions().AllowedSensitiveExtendedKeyUsages);
    }
}
