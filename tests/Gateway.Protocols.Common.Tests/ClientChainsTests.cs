using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Common.Tests;

/// <summary>
/// Issue 13 item 8: building a client's chain fetches nothing. A device certificate whose intermediate is missing but
/// whose AIA caIssuers points at a listener the test controls must fail to chain, and the listener must see no connection.
/// </summary>
public sealed class ClientChainsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void Build_missingIntermediateWithAiaUrl_fetchesNothingAndFails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var root = TestCertificates.Ca("Manufacturer Root", Now.AddDays(-10), Now.AddYears(5));
        using var intermediate = TestCertificates.Ca("Manufacturer Intermediate", Now.AddDays(-10), Now.AddYears(4), root);
        using var device = TestCertificates.Leaf(intermediate, "idevid", Now.AddDays(-1), Now.AddDays(30),
            caIssuersUrl: $"http://127.0.0.1:{port}/intermediate.crt");

        var valid = ClientChains.Build(device, [root], [], Now, out _);

        // Chain building downloads synchronously: had it fetched, the connection would be waiting in the backlog now.
        Assert.False(listener.Pending(), "chain building connected to the certificate's AIA URL");
        Assert.False(valid);
    }

    [Fact]
    public void Build_intermediateSentByTheClient_chains()
    {
        using var root = TestCertificates.Ca("Manufacturer Root", Now.AddDays(-10), Now.AddYears(5));
        using var intermediate = TestCertificates.Ca("Manufacturer Intermediate", Now.AddDays(-10), Now.AddYears(4), root);
        using var device = TestCertificates.Leaf(intermediate, "idevid", Now.AddDays(-1), Now.AddDays(30));

        Assert.True(ClientChains.Build(device, [root], [intermediate], Now, out var notAfter));
        Assert.Equal(device.NotAfter.ToUniversalTime(), notAfter.UtcDateTime, TimeSpan.FromSeconds(1));
    }
}
