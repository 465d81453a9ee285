using System.Net;

namespace Gateway.Protocols.Common.Tests;

public sealed class CredentialFailureLimiterTests
{
    [Fact]
    public void IsBlocked_afterTheLimitFromOneAddress_blocksThatAddressOnly()
    {
        using var limiter = new CredentialFailureLimiter(2, TimeSpan.FromMinutes(5));
        var guesser = IPAddress.Parse("192.0.2.7");
        Assert.False(limiter.IsBlocked(guesser, out _));
        limiter.RecordFailure(guesser);
        limiter.RecordFailure(guesser);

        Assert.True(limiter.IsBlocked(guesser, out var retryAfter));
        Assert.True(retryAfter > TimeSpan.Zero);
        Assert.False(limiter.IsBlocked(IPAddress.Parse("192.0.2.8"), out _));
    }

    [Fact]
    public void Partition_ipv6CountsPerSlash64_andMappedIpv4AsIpv4()
    {
        Assert.Equal(CredentialFailureLimiter.Partition(IPAddress.Parse("2001:db8:1:2::1")), CredentialFailureLimiter.Partition(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(CredentialFailureLimiter.Partition(IPAddress.Parse("2001:db8:1:2::1")), CredentialFailureLimiter.Partition(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), CredentialFailureLimiter.Partition(IPAddress.Parse("::ffff:192.0.2.7")));
    }
}
