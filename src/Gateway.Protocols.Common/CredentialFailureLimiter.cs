using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Gateway.Protocols.Common;

/// <summary>
/// Failed authentications per client address, shared by every front-end (one instance per node): credential checks
/// through the port (EST Basic, SCEP challenge, CMP MAC, ACME EAB), and messages a front-end had to do expensive work
/// on before it knew who sent them (a SCEP envelope that does not verify or decrypt, a challenge a webhook refused).
/// A fixed window per address from System.Threading.RateLimiting. Once an address has used up its failures, its checks
/// are refused without asking the credential grain, and front-ends refuse its messages before any private-key work,
/// so guessing secrets or sending garbage costs the sender a window per handful of tries and costs us almost nothing. IPv6 addresses count per /64 (one host owns a whole /64);
/// idle partitions are dropped by the limiter, so memory is bounded by the addresses seen within a window. (The admin
/// API counts failed API keys the same way with its own limiter: Admin may not reference this project.)
/// </summary>
public sealed class CredentialFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public CredentialFailureLimiter(int failureLimit, TimeSpan window) =>
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = failureLimit, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    /// <summary>True when <paramref name="client"/> has no failures left in this window, with the time until it has.</summary>
    public bool IsBlocked(IPAddress? client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(Partition(client), 0);
        retryAfter = lease.IsAcquired || !lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? TimeSpan.Zero : after;
        return !lease.IsAcquired;
    }

    /// <summary>Counts one failure of <paramref name="client"/>.</summary>
    public void RecordFailure(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(Partition(client), 1);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>The partition of an address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 per /64.</summary>
    public static IPAddress Partition(IPAddress? client) => client switch
    {
        null => IPAddress.None,
        { IsIPv4MappedToIPv6: true } => client.MapToIPv4(),
        { AddressFamily: AddressFamily.InterNetworkV6 } => new IPAddress([.. client.GetAddressBytes().AsSpan(0, 8), .. new byte[8]]),
        _ => client,
    };
}
