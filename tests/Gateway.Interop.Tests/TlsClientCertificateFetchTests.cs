using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13 item 8: a TLS client must not make the gateway fetch URLs of its choosing. The client presents a
/// certificate whose issuer the gateway does not have, with an AIA caIssuers URL pointing at a listener this test owns;
/// after the handshake and a request, nothing has connected to the listener.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class TlsClientCertificateFetchTests(InteropFixture fx)
{
    [Fact]
    public async Task TlsHandshake_clientCertificateWithAiaUrl_gatewayFetchesNothing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Unknown Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=fetch-me.devices.test", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [$"http://127.0.0.1:{port}/issuer.crt"]));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var leafPublic = leafRequest.Create(root, now.AddDays(-1), now.AddDays(10), [0x01, 0x02, 0x03]);
        using var leaf = leafPublic.CopyWithPrivateKey(leafKey);

        var uri = new Uri(fx.Gateway.HttpsUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = uri.Host,
            // offline: the client itself must not try the URL while assembling what it sends.
            ClientCertificateContext = SslStreamCertificateContext.Create(leaf, additionalCertificates: null, offline: true),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET /.well-known/est/cacerts HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n"));
        using var response = new MemoryStream();
        await tls.CopyToAsync(response);

        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(response.ToArray()), StringComparison.Ordinal);
        // Any download happens inside the handshake (the chain is built before the request is read): it would be waiting here.
        Assert.False(listener.Pending(), "the gateway connected to the client certificate's AIA URL");
    }
}
