using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme.Tests;

public sealed class AcmeRateLimitsTests
{
    private static AcmeRateLimits Limits() =>
        new(Options.Create(new AcmeOptions { NewAccountsPerAddress = 2, NewOrdersPerAccount = 1, RateLimitWindow = TimeSpan.FromMinutes(10) }));

    [Fact]
    public void New_accounts_are_limited_per_address_and_an_ipv6_slash_64_counts_as_one()
    {
        using var limits = Limits();
        var v4 = IPAddress.Parse("192.0.2.10");

        Assert.True(limits.TryNewAccount(v4, out _));
        Assert.True(limits.TryNewAccount(IPAddress.Parse("::ffff:192.0.2.10"), out _));
        Assert.False(limits.TryNewAccount(v4, out var retry));
        Assert.True(retry > TimeSpan.Zero);
        Assert.True(limits.TryNewAccount(IPAddress.Parse("192.0.2.11"), out _));

        Assert.True(limits.TryNewAccount(IPAddress.Parse("2001:db8:1:2::1"), out _));
        Assert.True(limits.TryNewAccount(IPAddress.Parse("2001:db8:1:2::ffff"), out _));
        Assert.False(limits.TryNewAccount(IPAddress.Parse("2001:db8:1:2:aaaa::1"), out _));
        Assert.True(limits.TryNewAccount(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }

    [Fact]
    public void New_orders_are_limited_per_account()
    {
        using var limits = Limits();

        Assert.True(limits.TryNewOrder("account-1", out _));
        Assert.False(limits.TryNewOrder("account-1", out _));
        Assert.True(limits.TryNewOrder("account-2", out _));
    }
}
