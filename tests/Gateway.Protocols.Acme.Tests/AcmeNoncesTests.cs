using System.Security.Cryptography;

namespace Gateway.Protocols.Acme.Tests;

/// <summary>ACME nonces: verifiable by any node with the cluster key, accepted once, refused when forged, expired or malformed.</summary>
public sealed class AcmeNoncesTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly HashSet<string> _spent = [];
    private int _asked;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Clock _clock = new(DateTimeOffset.UtcNow);

    private AcmeNonces Node(byte[]? key = null) => new(key ?? _key, (nonce, _) =>
    {
        _asked++;
        return Task.FromResult(_spent.Add(nonce));
    }, TimeSpan.FromMinutes(5), _clock);

    [Fact]
    public async Task A_nonce_from_one_node_is_accepted_once_by_another()
    {
        var nonce = Node().Issue();

        Assert.True(await Node().TryConsumeAsync(nonce));
        Assert.False(await Node().TryConsumeAsync(nonce));
        Assert.NotEqual(nonce, Node().Issue());
    }

    [Fact]
    public async Task Forged_expired_and_malformed_nonces_are_refused_without_asking_the_shards()
    {
        var nonce = Node().Issue();
        var tampered = (nonce[^1] == 'A' ? nonce[..^1] + "B" : nonce[..^1] + "A");
        var otherCluster = new AcmeNonces(RandomNumberGenerator.GetBytes(32), (_, _) => Task.FromResult(true), TimeSpan.FromMinutes(5), _clock).Issue();

        Assert.False(await Node().TryConsumeAsync(tampered));
        Assert.False(await Node().TryConsumeAsync(otherCluster));
        Assert.False(await Node().TryConsumeAsync(null));
        Assert.False(await Node().TryConsumeAsync(""));
        Assert.False(await Node().TryConsumeAsync("not a nonce!"));
        Assert.False(await Node().TryConsumeAsync(new string('A', 4000)));
        _clock.Now += TimeSpan.FromMinutes(6);
        Assert.False(await Node().TryConsumeAsync(nonce));

        Assert.Equal(0, _asked);
    }
}
