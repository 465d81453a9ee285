using Gateway.Contracts.Revocation;

namespace Gateway.Contracts.Grains;

/// <summary>
/// The CRL of one issuing CA (key = issuer id): one activation in the cluster publishes CRLs with a monotonic,
/// persisted CRL number, after revocations (coalesced) and on a schedule before nextUpdate.
/// </summary>
[Alias("Gateway.ICrlGrain")]
public interface ICrlGrain : IGrainWithStringKey
{
    /// <summary>The current CRL (published first if none is current or a change is waiting); null for an unknown issuer.</summary>
    [Alias("GetCurrentAsync")]
    Task<CrlInfo?> GetCurrentAsync();

    /// <summary>Says the issuer's revocations changed: a new CRL is published after a short delay that coalesces bursts.</summary>
    [Alias("RequestUpdateAsync")]
    Task RequestUpdateAsync();
}
