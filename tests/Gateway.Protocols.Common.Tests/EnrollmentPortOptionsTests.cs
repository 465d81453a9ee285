using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Common.Tests;

public sealed class EnrollmentPortOptionsTests
{
    private static EnrollmentPortOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddGatewayEnrollmentPort(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<EnrollmentPortOptions>>().Value;
    }

    [Fact]
    public void Options_absent_saneDefaults()
    {
        var options = Resolve([]);

        Assert.Equal(TimeSpan.FromSeconds(2), options.ProfileCacheTtl);
        Assert.Equal(1024, options.ProfileCacheCapacity);
    }

    [Theory]
    [InlineData("ProfileCacheTtl", "00:00:00")]
    [InlineData("ProfileCacheTtl", "01:00:00")]
    [InlineData("ProfileCacheCapacity", "0")]
    public void Options_outOfRange_refusedNamingTheOption(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Gateway:EnrollmentPort:" + key] = value }));

        Assert.Contains("Gateway:EnrollmentPort:" + key, ex.Message, StringComparison.Ordinal);
    }
}
