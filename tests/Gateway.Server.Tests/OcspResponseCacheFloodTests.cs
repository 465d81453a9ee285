using System.Security.Cryptography;
using Gateway.Ca;
using Gateway.Contracts.Revocation;
using Gateway.Grains.Revocation;
using Gateway.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests;

/// <summary>
/// Issue 13 item 4: an unauthenticated flood of OCSP requests for distinct serials must not grow the responder's memory
/// without bound. Driven in-process against the real signer, CA and revocation feed of the test gateway, with a status
/// source that knows no serial (100,000 store queries would make the test about the database, not the cache).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class OcspResponseCacheFloodTests(GatewayFixture gateway)
{
    private const string Sha1 = "1.3.14.3.2.26";
    private const int Serials = 100_000;
    private const long MaxGrowthBytes = 100L * 1024 * 1024;

    private (OcspResponseCache Cache, byte[] NameHash, byte[] KeyHash) CacheOverAnEmptyStore()
    {
        var services = gateway.App.Services;
        var ca = services.GetRequiredService<ICertificateAuthority>();
        var cache = new OcspResponseCache(
            services.GetRequiredService<OcspResponseSigner>(),
            _ => Task.FromResult<CertificateStatusRow?>(null),
            services.GetRequiredService<RevocationFeed>(),
            ca,
            services.GetRequiredService<IOptions<OcspOptions>>(),
            TimeProvider.System,
            NullLogger<OcspResponseCache>.Instance);
        var issuer = ca.GetIssuer(ca.DefaultIssuerId).Certificate;
        return (cache, SHA1.HashData(issuer.SubjectName.RawData), SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData));
    }

    private async Task WaitForTheRevocationFeedAsync()
    {
        // Nothing is cached while the feed is not listening: the flood must hit a cache that keeps answers.
        var feed = gateway.App.Services.GetRequiredService<RevocationFeed>();
        for (var i = 0; i < 300 && !feed.IsListening; i++) await Task.Delay(100);
        Assert.True(feed.IsListening, "the revocation feed never started listening");
    }

    [Fact]
    public async Task RespondAsync_hundredThousandDistinctUnknownSerials_keepsTheHeapGrowthUnder100MB()
    {
        await WaitForTheRevocationFeedAsync();
        var (cache, nameHash, keyHash) = CacheOverAnEmptyStore();
        var serial = new byte[OcspCertificateRequest.MaxSerialNumberLength];
        serial[0] = 0x7f;
        RandomNumberGenerator.Fill(serial.AsSpan(1, 10));
        var first = await cache.RespondAsync(new OcspCertificateRequest(Sha1, nameHash, keyHash, serial.ToArray(), null));
        Assert.Equal(OcspResponseStatus.Successful, first.Status);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Serials; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(serial.AsSpan(16), i);
            var answer = await cache.RespondAsync(new OcspCertificateRequest(Sha1, nameHash, keyHash, serial.ToArray(), null));
            if (answer.Status != OcspResponseStatus.Successful) Assert.Fail($"serial {i} was answered {answer.Status}");
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(cache);
        Assert.True(after - before < MaxGrowthBytes, $"the heap grew by {(after - before) / (1024 * 1024)} MB over {Serials} unknown serials");
    }

    [Theory]
    [InlineData(OcspCertificateRequest.MaxSerialNumberLength + 1)]
    [InlineData(8 * 1024)]
    public async Task RespondAsync_serialOverTwentyOctets_isMalformedRequestAndNotKept(int length)
    {
        var (cache, nameHash, keyHash) = CacheOverAnEmptyStore();
        var serial = new byte[length];
        serial[0] = 0x01;

        var answer = await cache.RespondAsync(new OcspCertificateRequest(Sha1, nameHash, keyHash, serial, null));

        Assert.Equal(OcspResponseStatus.MalformedRequest, answer.Status);
        Assert.Equal(0, cache.Count);
    }
}
