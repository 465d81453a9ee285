using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13 item 1: the Orleans ports. A default gateway opens no Orleans client gateway (its only listening ports are
/// HTTP, HTTPS and the silo's, on loopback); in cluster mode the silo port speaks mutual TLS with the gateway's own CA and
/// refuses a client without a certificate, with one of another CA, and with one of this CA that is not a silo's of this
/// cluster, while a second node of the cluster joins.
/// </summary>
public sealed class ClusterTransportTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cluster-transport-key-0123456789";
    private const string ClusterUri = "urn:gateway:cluster:gateway:gateway";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-transport-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Default_gateway_listens_on_http_https_and_a_loopback_silo_port_only()
    {
        Directory.CreateDirectory(_dir);
        var silo = GatewayProcess.FreePort();
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "data"),
            new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key }, [$"--Gateway:Cluster:SiloPort={silo}"]);

        var listening = ListeningEndpoints(gateway.ProcessId);
        output.WriteLine("listening: " + string.Join(", ", listening));

        // No Orleans client gateway (30000 by default before): nothing but the three ports, and every one on loopback.
        Assert.Equal(new[] { gateway.HttpPort, gateway.HttpsPort, silo }.Order(), listening.Select(e => e.Port).Order());
        Assert.All(listening, e => Assert.True(IPAddress.IsLoopback(e.Address), $"{e} is not loopback"));
    }

    [Fact]
    public async Task Cluster_silo_port_requires_a_certificate_of_this_clusters_ca_and_identity()
    {
        Directory.CreateDirectory(_dir);
        var dataA = Path.Combine(_dir, "node-a");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        var siloA = GatewayProcess.FreePort();
        GatewayProcess? a = null, b = null;
        var passed = false;
        try
        {
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(siloA));
            using var client = ClusterNodes.Client(a, Key);
            using var root = X509Certificate2.CreateFromPem(await client.GetStringAsync("/ca/root.pem"));

            // No client certificate: the server presents its silo certificate (this CA, this cluster), then refuses.
            var anonymous = await HandshakeAsync(siloA, clientCertificate: null);
            Assert.NotNull(anonymous.ServerCertificate);
            Assert.Contains(ClusterUri, UriNames(anonymous.ServerCertificate));
            Assert.True(ChainsTo(anonymous.ServerCertificate, root, await client.GetStringAsync("/ca/chain.pem")), "the silo's certificate does not chain to the gateway's root");
            Assert.NotNull(anonymous.Failure);

            // A certificate of another CA, even with this cluster's URI and both EKUs: refused.
            using var stranger = SelfSigned(ClusterUri);
            var strangerResult = await HandshakeAsync(siloA, stranger);
            Assert.NotNull(strangerResult.ServerCertificate);
            Assert.NotNull(strangerResult.Failure);

            // A certificate of this very CA for TLS server and client (network-element) without the cluster's identity: refused.
            using var enrolled = await EnrollAsync(client, "network-element", "not-a-silo.example.test");
            var enrolledResult = await HandshakeAsync(siloA, enrolled);
            Assert.NotNull(enrolledResult.ServerCertificate);
            Assert.NotNull(enrolledResult.Failure);
            // The node logs a refusal after the handshake has failed on the client's side: wait for the lines (console logging is asynchronous).
            await LogContainsAsync(a, "Refused a cluster connection: the peer's certificate CN=gateway silo");
            await LogContainsAsync(a, "is refused: it does not chain to this gateway's CA");
            await LogContainsAsync(a, $"Refused a cluster connection: the peer's certificate CN=not-a-silo.example.test ({enrolled.Thumbprint}) is refused: it does not carry this cluster's identity ({ClusterUri})");

            // A node of the cluster (same CA, same cluster) joins over TLS.
            b = await GatewayProcess.StartAsync(Path.Combine(_dir, "node-b"), ClusterNodes.JoiningEnvironment(dataA, env),
                [.. ClusterArgs(GatewayProcess.FreePort()), $"--Gateway:Ca:Directory={Path.Combine(dataA, "ca")}"]);
            var view = JsonDocument.Parse(await client.GetStringAsync("/api/v1/cluster")).RootElement;
            for (var i = 0; i < 100 && view.GetProperty("active").GetInt32() < 2; i++)
            {
                await Task.Delay(200);
                view = JsonDocument.Parse(await client.GetStringAsync("/api/v1/cluster")).RootElement;
            }

            Assert.Equal(2, view.GetProperty("active").GetInt32());
            using var clientB = ClusterNodes.Client(b, Key);
            (await EnrollAsync(clientB, "web-server", "through-b.example.test")).Dispose();
            passed = true;
        }
        finally
        {
            await ClusterNodes.StopAsync(output, passed, dataA, a, b);
        }
    }

    private static string[] ClusterArgs(int siloPort) =>
        ["--Gateway:Cluster:Mode=postgres", $"--Gateway:Cluster:SiloPort={siloPort}", ClusterNodes.PublicBaseUrlArg];

    private sealed record Handshake(X509Certificate2? ServerCertificate, Exception? Failure);

    /// <summary>
    /// A TLS client on the silo port; returns the certificate the server presented and, when the server refused the client,
    /// how. SslStream judges the client's certificate once the handshake is done, so a refusal shows as an alert or a
    /// closed connection on the first read; an accepted client is kept open (Orleans waits for its preamble).
    /// </summary>
    private async Task<Handshake> HandshakeAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? server = null;
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            if (certificate is not null) server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true;
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var who = clientCertificate?.Subject ?? "no certificate";
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "silo",
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            }, timeout.Token);
            var read = await ssl.ReadAsync(new byte[1], timeout.Token);
            if (read == 0)
            {
                output.WriteLine($"handshake with {who}: closed by the server");
                return new Handshake(server, new IOException("closed by the server"));
            }

            return new Handshake(server, null);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine($"handshake with {who}: accepted, the connection stays open");
            return new Handshake(server, null);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            output.WriteLine($"handshake with {who}: {ex.GetType().Name}: {ex.Message}");
            return new Handshake(server, ex);
        }
    }

    private static X509Certificate2 SelfSigned(string uri)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gateway silo", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, "x"), "x");
    }

    /// <summary>Enrolls a fresh P-256 key under <paramref name="profile"/> through the admin API; the certificate with its key.</summary>
    private static async Task<X509Certificate2> EnrollAsync(HttpClient client, string profile, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr = request.CreateSigningRequestPem() });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            using var issued = X509Certificate2.CreateFromPem(JsonDocument.Parse(body).RootElement.GetProperty("certificate").GetString());
            using var withKey = issued.CopyWithPrivateKey(key);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "x"), "x");
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 root, string chainPem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.ImportFromPem(chainPem);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }

    /// <summary>The URI names (GeneralName [6]) of the certificate's subjectAltName.</summary>
    private static List<string> UriNames(X509Certificate2 certificate)
    {
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        var names = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
            while (reader.HasData)
            {
                if (reader.PeekTag() == uriTag) names.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
                else reader.ReadEncodedValue();
            }
        }

        return names;
    }

    /// <summary>The TCP endpoints process <paramref name="pid"/> listens on (its sockets in /proc/net/tcp and tcp6, state LISTEN).</summary>
    private static List<IPEndPoint> ListeningEndpoints(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
            catch (IOException) { }
        }

        var endpoints = new List<IPEndPoint>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A" || !inodes.Contains(fields[9])) continue;
                var local = fields[1].Split(':');
                var addressBytes = Convert.FromHexString(local[0]);
                // /proc prints the address as 32-bit words in host (little-endian) order.
                for (var i = 0; i < addressBytes.Length; i += 4) Array.Reverse(addressBytes, i, 4);
                endpoints.Add(new IPEndPoint(new IPAddress(addressBytes), int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
        }

        return endpoints;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task LogContainsAsync(GatewayProcess node, string text)
    {
        for (var i = 0; i < 50 && !node.Log.Contains(text, StringComparison.Ordinal); i++) await Task.Delay(200);
        Assert.Contains(text, node.Log);
    }
}
