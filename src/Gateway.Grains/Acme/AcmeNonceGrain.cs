using Gateway.Contracts.Grains;

namespace Gateway.Grains.Acme;

/// <summary>
/// The ACME nonces of one shard already used, until they expire. Stays active while it holds any (a deactivation would
/// forget them and let a replay through), and prunes expired ones as it goes.
/// </summary>
internal sealed class AcmeNonceGrain(TimeProvider time) : Grain, IAcmeNonceGrain
{
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public Task<bool> ConsumeAsync(string nonce, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        if (expires <= now) return Task.FromResult(false);
        if (now >= _nextPrune)
        {
            foreach (var (used, until) in _used.ToArray())
            {
                if (until <= now) _used.Remove(used);
            }
            _nextPrune = now + TimeSpan.FromSeconds(10);
        }
        var first = _used.TryAdd(nonce, expires);
        if (_used.Count > 0) DelayDeactivation(expires - now + TimeSpan.FromMinutes(1));
        return Task.FromResult(first);
    }
}
