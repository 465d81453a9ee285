using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Gateway.Admin.Authentication;

/// <summary>
/// Counts failed authentications per client address (a fixed window per address, <see cref="PartitionedRateLimiter"/>
/// from System.Threading.RateLimiting): once an address has used up its failures, <see cref="IsBlocked"/> says so, with
/// the time until the window ends, so the caller refuses before any credential is checked. IPv6 clients are counted per
/// /64 (one host owns a whole /64); idle partitions are dropped by the limiter, so memory stays bounded by the addresses
/// seen within a window. Depends on nothing but the BCL, so any front-end (EST Basic) can hold its own instance.
/// </summary>
public sealed class AuthenticationFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public AuthenticationFailureLimiter(int failureLimit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failureLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = failureLimit, Window = window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>True when <paramref name="client"/> has no failures left in this window; <paramref name="retryAfter"/> is when it has again.</summary>
    public bool IsBlocked(IPAddress? client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(Key(client), 0);
        retryAfter = TimeSpan.Zero;
        if (lease.IsAcquired) return false;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var after)) retryAfter = after;
        return true;
    }

    /// <summary>Counts one failed authentication of <paramref name="client"/>.</summary>
    public void RecordFailure(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(Key(client), 1);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>The partition of an address: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64 prefix.</summary>
    internal static IPAddress Key(IPAddress? client)
    {
        if (client is null) return IPAddress.None;
        if (client.IsIPv4MappedToIPv6) return client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client;
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
