using Gateway.Grains;
using Gateway.Grains.Enrollment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

/// <summary><c>Gateway:Enrollment</c>: the default, and a wrong value refused naming the option.</summary>
public sealed class EnrollmentOptionsTests
{
    private static EnrollmentOptions Resolve(string? window)
    {
        var settings = new Dictionary<string, string?>();
        if (window is not null) settings["Gateway:Enrollment:ConfirmationWindow"] = window;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGatewayGrains(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<EnrollmentOptions>>().Value;
    }

    [Fact]
    public void ConfirmationWindow_unset_is_ten_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), Resolve(null).ConfirmationWindow);
        Assert.Equal(TimeSpan.FromSeconds(90), Resolve("00:01:30").ConfirmationWindow);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("2.00:00:00")]
    public void ConfirmationWindow_out_of_range_stops_the_start_naming_the_option(string window)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(window));
        Assert.Contains("Gateway:Enrollment:ConfirmationWindow", ex.Message);
    }
}
