using Gateway.Contracts;

namespace Gateway.Protocols.Common.Tests;

/// <summary>The front-ends' profile cache: hits only, bounded, a change seen after the TTL, one instance per version.</summary>
public sealed class ProfileCacheTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _root = TestCertificates.Ca("Root", Now.AddDays(-1), Now.AddYears(1));
    private readonly FakeTimeProvider _time = new(Now);
    private readonly Dictionary<string, ProfileSummary> _profiles = new(StringComparer.Ordinal);
    private int _lookups;

    private ProfileSummary Summary(string name, int version = 1, EnrollmentProtocol protocol = EnrollmentProtocol.Est) =>
        new(name, version, [protocol], [AuthenticationMethods.GatewayCertificate], "default", [_root.RawData], [], [], [], false);

    private ProfileCache Cache(int capacity = 16) => new(name =>
    {
        _lookups++;
        return Task.FromResult(_profiles.GetValueOrDefault(name));
    }, _time, Ttl, capacity);

    [Fact]
    public async Task Resolve_unknownNames_cacheNothing()
    {
        var cache = Cache();

        for (var i = 0; i < 1000; i++) Assert.Null(await cache.ResolveAsync(EnrollmentProtocol.Est, "label-" + i));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Resolve_knownName_answeredFromCacheWithinTtl()
    {
        _profiles["iot"] = Summary("iot");
        var cache = Cache();

        var first = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");
        _time.Advance(Ttl / 2);
        var second = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal(1, _lookups);
    }

    [Fact]
    public async Task Resolve_afterTtl_seesNewVersionAndRemovedProfile()
    {
        _profiles["iot"] = Summary("iot");
        var cache = Cache();
        var v1 = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");

        _time.Advance(Ttl);
        var same = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");
        _profiles["iot"] = Summary("iot", version: 2);
        _time.Advance(Ttl);
        var v2 = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");
        _profiles.Remove("iot");
        _time.Advance(Ttl);
        var gone = await cache.ResolveAsync(EnrollmentProtocol.Est, "iot");

        Assert.Same(v1, same);
        Assert.Equal(2, v2!.Version);
        Assert.Null(gone);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Resolve_profileWithoutTheProtocol_isNull()
    {
        _profiles["web"] = Summary("web", protocol: EnrollmentProtocol.Acme);

        Assert.Null(await Cache().ResolveAsync(EnrollmentProtocol.Est, "web"));
    }

    [Fact]
    public async Task Resolve_moreNamesThanCapacity_staysWithinCapacity()
    {
        for (var i = 0; i < 10; i++) _profiles["p" + i] = Summary("p" + i);
        var cache = Cache(capacity: 4);

        for (var i = 0; i < 10; i++) Assert.NotNull(await cache.ResolveAsync(EnrollmentProtocol.Est, "p" + i));

        Assert.InRange(cache.Count, 1, 4);
    }

    public void Dispose() => _root.Dispose();
}
