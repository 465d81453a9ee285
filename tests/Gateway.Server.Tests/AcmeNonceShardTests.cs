using Gateway.Contracts;
using Gateway.Protocols.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>The cluster side of ACME nonces: spent once through the port's shard grains; one derived key per purpose.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AcmeNonceShardTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_nonce_is_spent_once_and_an_expired_one_not_at_all()
    {
        var port = gateway.App.Services.GetRequiredService<IEnrollmentPort>();
        var nonce = "nonce-" + Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        Assert.True(await port.ConsumeAcmeNonceAsync(nonce, expires));
        Assert.False(await port.ConsumeAcmeNonceAsync(nonce, expires));
        Assert.False(await port.ConsumeAcmeNonceAsync("nonce-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddSeconds(-1)));
    }

    [Fact]
    public void Cluster_keys_differ_per_purpose_and_are_stable()
    {
        var keys = gateway.App.Services.GetRequiredService<IClusterKeyDerivation>();

        Assert.Equal(keys.DeriveKey("acme-nonce"), keys.DeriveKey("acme-nonce"));
        Assert.NotEqual(keys.DeriveKey("acme-nonce"), keys.DeriveKey("other"));
        Assert.Equal(32, keys.DeriveKey("acme-nonce").Length);
    }
}
