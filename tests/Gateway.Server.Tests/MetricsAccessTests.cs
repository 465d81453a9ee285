using System.Net;
using Gateway.Server.Metrics;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

public sealed class MetricsAccessTests
{
    private static MetricsAccess Access(params string[] networks) => new(Options.Create(new MetricsOptions { AllowedNetworks = [.. networks] }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void IsAllowedAddress_loopback_by_default_is_allowed(string address) =>
        Assert.True(Access().IsAllowedAddress(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.1")]
    [InlineData("fd00::1")]
    public void IsAllowedAddress_remote_by_default_is_refused(string address) =>
        Assert.False(Access().IsAllowedAddress(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void IsAllowedAddress_loopback_when_not_allowed_is_refused(string address) =>
        Assert.False(new MetricsAccess(Options.Create(new MetricsOptions { AllowLoopback = false })).IsAllowedAddress(IPAddress.Parse(address)));

    [Fact]
    public void IsAllowedAddress_loopback_not_allowed_but_in_a_network_is_allowed() =>
        Assert.True(new MetricsAccess(Options.Create(new MetricsOptions { AllowLoopback = false, AllowedNetworks = ["127.0.0.1"] }))
            .IsAllowedAddress(IPAddress.Loopback));

    [Fact]
    public void IsAllowedAddress_null_address_is_refused() => Assert.False(Access("0.0.0.0/0").IsAllowedAddress(null));

    [Theory]
    [InlineData("10.0.0.0/24", "10.0.0.200", true)]
    [InlineData("10.0.0.0/24", "10.0.1.1", false)]
    [InlineData("10.0.0.5", "10.0.0.5", true)]
    [InlineData("10.0.0.5", "10.0.0.6", false)]
    [InlineData("10.0.0.0/24", "::ffff:10.0.0.7", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    public void IsAllowedAddress_configured_network_allows_its_addresses_only(string network, string address, bool allowed) =>
        Assert.Equal(allowed, Access(network).IsAllowedAddress(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.0/24")]
    [InlineData("10.0.0.5")]
    [InlineData("fd00::/8")]
    [InlineData(" 192.168.0.0/16 ")]
    public void Validate_address_or_cidr_succeeds(string network) =>
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions { AllowedNetworks = [network] }).Succeeded);

    [Theory]
    [InlineData("")]
    [InlineData("everyone")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/24")]
    [InlineData("10.0.0.0/")]
    public void Validate_bad_network_fails_naming_the_option(string network)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { AllowedNetworks = ["127.0.0.1", network] });
        Assert.True(result.Failed);
        Assert.Contains("Gateway:Metrics:AllowedNetworks:1", result.FailureMessage);
    }
}
