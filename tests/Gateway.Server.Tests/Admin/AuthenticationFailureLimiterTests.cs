using System.Net;
using Gateway.Admin.Authentication;

namespace Gateway.Server.Tests.Admin;

public sealed class AuthenticationFailureLimiterTests
{
    [Fact]
    public void IsBlocked_afterLimitFailures_trueWithRetryAfterWithinWindow()
    {
        using var limiter = new AuthenticationFailureLimiter(2, TimeSpan.FromMinutes(1));
        var client = IPAddress.Parse("192.0.2.1");
        limiter.RecordFailure(client);
        Assert.False(limiter.IsBlocked(client, out _));
        limiter.RecordFailure(client);

        Assert.True(limiter.IsBlocked(client, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("192.0.2.2"), out _));
    }

    [Fact]
    public void IsBlocked_ipv6AddressesOfOneSlash64_countedTogether()
    {
        using var limiter = new AuthenticationFailureLimiter(2, TimeSpan.FromMinutes(1));
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.True(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:2::77"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }

    [Fact]
    public void IsBlocked_ipv4MappedAndPlainIpv4_countedTogether()
    {
        using var limiter = new AuthenticationFailureLimiter(1, TimeSpan.FromMinutes(1));
        limiter.RecordFailure(IPAddress.Parse("::ffff:192.0.2.5"));
        Assert.True(limiter.IsBlocked(IPAddress.Parse("192.0.2.5"), out _));
    }
}
