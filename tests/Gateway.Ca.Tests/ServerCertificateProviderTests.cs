using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Ca.Tests;

/// <remarks>The CA is shared (its key generation is slow); each test has its own data directory for <c>tls/</c>.</remarks>
public sealed class ServerCertificateProviderTests(CaFixture fixture) : IClassFixture<CaFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateAuthority _ca = fixture.Ca;
    private CaOptions? _options;

    private CaOptions Options => _options ??= Given.Options(_dir);

    public void Dispose() => _dir.Dispose();

    private readonly ListRecorder _recorder = new();

    private ServerCertificateProvider Provider(CaOptions? options = null) =>
        new(_ca, _recorder, Microsoft.Extensions.Options.Options.Create(options ?? Options), NullLogger<ServerCertificateProvider>.Instance, _time);

    [Fact]
    public void GetCertificate_defaultHostNames_hasNamesServerAuthAndPrivateKey()
    {
        using ServerCertificateProvider provider = Provider();

        X509Certificate2 certificate = provider.GetCertificate();

        Assert.True(certificate.HasPrivateKey);
        Assert.NotNull(certificate.GetECDsaPrivateKey());
        Assert.Equal("CN=localhost", certificate.Subject);
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        var eku = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Value);
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        using X509Chain chain = Given.Chain(_ca, publicOnly, _ca.GetIssuer("default").ChainDer);
        chain.ChainPolicy.VerificationTime = _time.Now.UtcDateTime;
        Assert.True(chain.Build(publicOnly));
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 90, 90.01);
    }

    [Fact]
    public void GetCertificate_configuredHostNames_areAllInSan()
    {
        Options.ServerTls.HostNames = ["gateway.example.com", "*.gateway.example.com", "::1", "10.0.0.5"];
        using ServerCertificateProvider provider = Provider();

        X509Certificate2 certificate = provider.GetCertificate();

        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["gateway.example.com", "*.gateway.example.com"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.5")], san.EnumerateIPAddresses());
    }

    [Fact]
    public void GetCertificate_first_persistsEncryptedPkcs12WithMode0600()
    {
        using ServerCertificateProvider provider = Provider();

        X509Certificate2 certificate = provider.GetCertificate();

        string path = _dir.Combine("tls", "server.p12");
        Assert.Equal(path, provider.FilePath);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(path, "wrong"));
        using X509Certificate2 reloaded = X509CertificateLoader.LoadPkcs12FromFile(path, Given.Passphrase);
        Assert.Equal(certificate.RawData, reloaded.RawData);
        Assert.True(reloaded.HasPrivateKey);
    }

    [Fact]
    public void GetCertificate_repeatedCalls_returnSameInstance()
    {
        using ServerCertificateProvider provider = Provider();

        Assert.Same(provider.GetCertificate(), provider.GetCertificate());
    }

    [Fact]
    public void GetCertificate_secondProviderSameDataDir_reusesPersistedCertificate()
    {
        byte[] first;
        using (ServerCertificateProvider provider = Provider())
        {
            first = provider.GetCertificate().RawData;
        }

        _time.Advance(TimeSpan.FromDays(10));
        using ServerCertificateProvider second = Provider();

        X509Certificate2 certificate = second.GetCertificate();
        Assert.Equal(first, certificate.RawData);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void GetCertificate_hostNamesChangedSinceLastStart_issuesNewCertificate()
    {
        byte[] first;
        using (ServerCertificateProvider provider = Provider())
        {
            first = provider.GetCertificate().RawData;
        }

        Options.ServerTls.HostNames = ["other.example.com"];
        using ServerCertificateProvider second = Provider();

        X509Certificate2 certificate = second.GetCertificate();
        Assert.NotEqual(first, certificate.RawData);
        Assert.Equal(["other.example.com"], certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void GetCertificate_lessThanAThirdOfLifetimeLeft_renews()
    {
        using ServerCertificateProvider provider = Provider();
        X509Certificate2 first = provider.GetCertificate();

        _time.Advance(TimeSpan.FromDays(59));
        Assert.Same(first, provider.GetCertificate());

        _time.Advance(TimeSpan.FromDays(2));
        X509Certificate2 renewed = provider.GetCertificate();

        Assert.NotEqual(first.RawData, renewed.RawData);
        Assert.True(renewed.NotAfter > first.NotAfter);
        using X509Certificate2 persisted = X509CertificateLoader.LoadPkcs12FromFile(provider.FilePath, Given.Passphrase);
        Assert.Equal(renewed.RawData, persisted.RawData);
    }

    [Fact]
    public void GetCertificate_persistedCertificateDueForRenewal_isNotReused()
    {
        byte[] first;
        using (ServerCertificateProvider provider = Provider())
        {
            first = provider.GetCertificate().RawData;
        }

        _time.Advance(TimeSpan.FromDays(70));
        using ServerCertificateProvider second = Provider();

        Assert.NotEqual(first, second.GetCertificate().RawData);
    }

    [Fact]
    public void GetCertificate_persistedCertificateFromAnotherCa_isNotReused()
    {
        using var otherDir = new TempDirectory();
        using CertificateAuthority otherCa = Given.Ca(Given.Options(otherDir));
        byte[] fromOther;
        using (var provider = new ServerCertificateProvider(
            otherCa, new ListRecorder(), Microsoft.Extensions.Options.Options.Create(Options), NullLogger<ServerCertificateProvider>.Instance, _time))
        {
            fromOther = provider.GetCertificate().RawData;
        }

        using ServerCertificateProvider ours = Provider();

        X509Certificate2 certificate = ours.GetCertificate();
        Assert.NotEqual(fromOther, certificate.RawData);
        Assert.Equal(_ca.GetIssuer("default").SubjectName, certificate.Issuer);
    }

    [Fact]
    public async Task GetCertificateContext_tlsHandshakeOverLoopback_succeedsWithChainTrustedByRoot()
    {
        _time.Now = DateTimeOffset.UtcNow;
        using ServerCertificateProvider provider = Provider();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Task server = Task.Run(async () =>
        {
            using TcpClient accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = provider.GetCertificateContext() });
            await tls.WriteAsync(new byte[] { 42 });
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? seen = null;
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { X509CertificateLoader.LoadCertificate(_ca.RootCertificateDer) },
                RevocationMode = X509RevocationMode.NoCheck,
            },
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return errors == SslPolicyErrors.None;
            },
        });

        byte[] buffer = new byte[1];
        Assert.Equal(1, await clientTls.ReadAsync(buffer));
        Assert.Equal(42, buffer[0]);
        await server;
        Assert.Equal(provider.GetCertificate().RawData, seen!.RawData);
    }

    [Fact]
    public async Task GetCertificate_asSslStreamServerCertificate_handshakes()
    {
        _time.Now = DateTimeOffset.UtcNow;
        using ServerCertificateProvider provider = Provider();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Task server = Task.Run(async () =>
        {
            using TcpClient accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, _) => provider.GetCertificate(),
            });
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await server;

        Assert.True(clientTls.IsAuthenticated);
    }

    [Fact]
    public void GetCertificate_new_certificate_is_recorded_as_tls_server_before_it_is_returned()
    {
        using var provider = Provider();

        var certificate = provider.GetCertificate();

        var (recorded, role, issuerId) = Assert.Single(_recorder.Recorded);
        Assert.Equal(GatewayCertificates.TlsServer, role);
        Assert.Equal("default", issuerId);
        Assert.Equal(certificate.RawData, recorded.Der);
    }

    [Fact]
    public void GetCertificate_when_the_store_cannot_record_it_fails_and_no_certificate_is_used()
    {
        _recorder.Fail = true;
        using var provider = Provider();

        Assert.Throws<InvalidOperationException>(() => provider.GetCertificate());
        Assert.False(File.Exists(provider.FilePath));
    }
}
