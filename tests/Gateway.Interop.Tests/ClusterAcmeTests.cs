using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.TestSupport.Acme;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// ACME on two gateway processes forming one cluster behind one name (every request carries <c>Host:
/// acme.cluster.test</c>): a nonce issued by one node is accepted once by the other and then refused by both, and one
/// issuance hops between the nodes at every step (accounts, orders and authorizations are cluster grains).
/// </summary>
public sealed class ClusterAcmeTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cluster-acme-key-0123456789";
    private const string Host = "acme.cluster.test";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-clacme-" + Guid.NewGuid().ToString("N")[..12]);

    private static string[] ClusterArgs(int siloPort, int http01Port) =>
    [
        "--Gateway:Cluster:Mode=postgres",
        $"--Gateway:Cluster:SiloPort={siloPort}",
        ClusterNodes.PublicBaseUrlArg,
        $"--Gateway:Acme:HttpChallengePort={http01Port}",
    ];

    [Fact]
    public async Task A_nonce_is_spent_once_across_nodes_and_an_issuance_hops_between_them()
    {
        Directory.CreateDirectory(_dir);
        var dataA = Path.Combine(_dir, "node-a");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        var http01Port = GatewayProcess.FreePort();
        using var responder = new Http01Responder(http01Port);
        GatewayProcess? a = null, b = null;
        var passed = false;
        try
        {
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(GatewayProcess.FreePort(), http01Port));
            b = await GatewayProcess.StartAsync(Path.Combine(_dir, "node-b"), ClusterNodes.JoiningEnvironment(dataA, env),
                [.. ClusterArgs(GatewayProcess.FreePort(), http01Port), $"--Gateway:Ca:Directory={Path.Combine(dataA, "ca")}"]);

            using var onA = new AcmeTestClient(new Uri(a.HttpUrl), host: Host);
            using var onB = new AcmeTestClient(new Uri(b.HttpUrl), host: Host);
            var account = await onA.NewAccountAsync();
            Assert.True(account.Status == HttpStatusCode.Created, account.ToString());
            onB.ReplaceKey(onA.Key);
            onB.AccountUrl = onA.AccountUrl;

            // A nonce from A, spent on B; then neither node takes it again.
            var nonce = await onA.NonceAsync();
            var order = await onB.PostAsync(onB.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } } }, nonce: nonce);
            Assert.True(order.Status == HttpStatusCode.Created, order.ToString());
            var replayA = await onA.PostAsync(onA.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } } }, nonce: nonce);
            Assert.Equal("urn:ietf:params:acme:error:badNonce", replayA.ProblemType);
            var replayB = await onB.PostAsync(onB.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } } }, nonce: nonce);
            Assert.Equal("urn:ietf:params:acme:error:badNonce", replayB.ProblemType);

            // The order from B: authorization read on A, challenge answered through B, validity seen on A, finalize on B, download on A.
            var authzUrl = order.Json!["authorizations"]![0]!.GetValue<string>();
            var http01 = (await onA.PostAsync(authzUrl, null)).Json!["challenges"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "http-01")!;
            var token = http01["token"]!.GetValue<string>();
            responder.Answer(token, token + "." + onA.Thumbprint());
            Assert.Equal(HttpStatusCode.OK, (await onB.PostAsync(http01["url"]!.GetValue<string>(), new { })).Status);
            var valid = await onA.PollAsync(authzUrl, r => r.Json?["status"]?.GetValue<string>() != "pending");
            Assert.True(valid.Json!["status"]!.GetValue<string>() == "valid", valid.ToString());
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            await onB.PostAsync(order.Json["finalize"]!.GetValue<string>(), new { csr = Base64Url.EncodeToString(request.CreateSigningRequest()) });
            var done = await onA.PollAsync(order.Location!, r => r.Json?["status"]?.GetValue<string>() is "valid" or "invalid");
            Assert.True(done.Json!["status"]!.GetValue<string>() == "valid", done.ToString());
            var pem = (await onA.PostAsync(done.Json["certificate"]!.GetValue<string>(), null)).Text;
            using var leaf = X509Certificate2.CreateFromPem(pem);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
            passed = true;
        }
        finally
        {
            await ClusterNodes.StopAsync(output, passed, dataA, a, b);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
