using System.Net;
using System.Threading.RateLimiting;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme;

/// <summary>
/// What an ACME client may make the gateway write before any certificate policy applies (per node, fixed windows from
/// System.Threading.RateLimiting): new accounts per client address (IPv6 per /64), and new orders per account. Each
/// account is two streams and each order one per identifier plus one, whether or not it is ever finalized; quotas only
/// count certificates. Past a limit the answer is <c>rateLimited</c> (429) with Retry-After, before anything is written.
/// </summary>
public sealed class AcmeRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _accounts;
    private readonly PartitionedRateLimiter<string> _orders;

    public AcmeRateLimits(IOptions<AcmeOptions> options)
    {
        var o = options.Value;
        _accounts = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = o.NewAccountsPerAddress, Window = o.RateLimitWindow, QueueLimit = 0, AutoReplenishment = true }));
        _orders = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = o.NewOrdersPerAccount, Window = o.RateLimitWindow, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Takes one new-account permit for <paramref name="client"/>; false (and the wait) when it has none left.</summary>
    public bool TryNewAccount(IPAddress? client, out TimeSpan retryAfter) => Take(_accounts, CredentialFailureLimiter.Partition(client), out retryAfter);

    /// <summary>Takes one new-order permit for <paramref name="accountId"/>.</summary>
    public bool TryNewOrder(string accountId, out TimeSpan retryAfter) => Take(_orders, accountId, out retryAfter);

    private static bool Take<T>(PartitionedRateLimiter<T> limiter, T key, out TimeSpan retryAfter)
    {
        using var lease = limiter.AttemptAcquire(key, 1);
        retryAfter = lease.IsAcquired || !lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? TimeSpan.Zero : after;
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _orders.Dispose();
    }
}
