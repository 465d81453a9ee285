using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Revocation in a two-node cluster: both nodes have answered OCSP for a certificate (so both hold a pre-signed "good"),
/// it is revoked through node A, and both nodes' OCSP answers say revoked right away — the node that ran the revocation
/// drops its copy itself, the other hears the PostgreSQL NOTIFY sent in the revocation's own transaction. Both serve the
/// same CRL (one CRL grain in the cluster), with the serial on it.
/// </summary>
public sealed class ClusterRevocationTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "cluster-revocation-key-0123456789";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-cluster-ocsp-" + Guid.NewGuid().ToString("N")[..12]);

    private static string[] ClusterArgs(int siloPort) => ["--Gateway:Cluster:Mode=postgres", $"--Gateway:Cluster:SiloPort={siloPort}", ClusterNodes.PublicBaseUrlArg];

    [Fact]
    public async Task A_revocation_through_one_node_shows_in_both_nodes_ocsp_answers_and_crls()
    {
        Directory.CreateDirectory(_dir);
        var dataA = Path.Combine(_dir, "node-a");
        var env = new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key };
        GatewayProcess? a = null, b = null;
        var passed = false;
        try
        {
            a = await GatewayProcess.StartAsync(dataA, env, ClusterArgs(GatewayProcess.FreePort()));
            var nodeEnv = ClusterNodes.JoiningEnvironment(dataA, env);
            b = await GatewayProcess.StartAsync(Path.Combine(_dir, "node-b"), nodeEnv,
                [.. ClusterArgs(GatewayProcess.FreePort()), $"--Gateway:Ca:Directory={Path.Combine(dataA, "ca")}"]);
            output.WriteLine($"nodes ready in {a.ReadyAfter.TotalSeconds:F1} s and {b.ReadyAfter.TotalSeconds:F1} s");

            using var clientA = Client(a);
            using var clientB = Client(b);
            var (serial, certificate) = await EnrollAsync(clientA, "revoked-in-cluster.example.test");
            using var issuer = X509CertificateLoader.LoadCertificate(await clientB.GetByteArrayAsync("/ca/default.crt"));
            var ocspPath = "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(OcspRequest(issuer, certificate)));

            // Each node signs and keeps a "good" answer; asking again returns those very bytes.
            foreach (var client in new[] { clientA, clientB })
            {
                var first = await client.GetByteArrayAsync(ocspPath);
                Assert.Equal(OcspStatus.Good, Status(first));
                Assert.Equal(first, await client.GetByteArrayAsync(ocspPath));
            }

            var revoke = await clientA.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "keyCompromise" });
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            var revoked = Stopwatch.StartNew();

            foreach (var (name, client) in new[] { ("A", clientA), ("B", clientB) })
            {
                var status = Status(await client.GetByteArrayAsync(ocspPath));
                while (status != OcspStatus.Revoked && revoked.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(10);
                    status = Status(await client.GetByteArrayAsync(ocspPath));
                }

                output.WriteLine($"node {name}: OCSP says {status} {revoked.Elapsed.TotalMilliseconds:F0} ms after the revocation returned");
                Assert.Equal(OcspStatus.Revoked, status);
            }

            Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(3), $"the revocation took {revoked.Elapsed.TotalMilliseconds:F0} ms to reach both nodes");
            var crlA = await clientA.GetByteArrayAsync("/crl/default.crl");
            Assert.Equal(crlA, await clientB.GetByteArrayAsync("/crl/default.crl"));
            // .NET's CRL loader lists the serials: removing this one succeeds only if it is there.
            Assert.True(CertificateRevocationListBuilder.Load(crlA, out _).RemoveEntry(certificate.SerialNumberBytes.ToArray()));
            passed = true;
        }
        finally
        {
            await ClusterNodes.StopAsync(output, passed, dataA, a, b);
        }
    }

    private static HttpClient Client(GatewayProcess node) => ClusterNodes.Client(node, Key);

    private static async Task<(string Serial, X509Certificate2 Certificate)> EnrollAsync(HttpClient client, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = request.CreateSigningRequestPem() });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            var issued = JsonDocument.Parse(body).RootElement;
            return (issued.GetProperty("serial").GetString()!, X509Certificate2.CreateFromPem(issued.GetProperty("certificate").GetString()));
        }
    }

    /// <summary>A DER OCSPRequest (SHA-1 CertID, no nonce) written by hand: this project talks to the gateway as a stranger would.</summary>
    private static byte[] OcspRequest(X509Certificate2 issuer, X509Certificate2 certificate)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence()) // OCSPRequest
        using (writer.PushSequence()) // TBSRequest
        using (writer.PushSequence()) // requestList
        using (writer.PushSequence()) // Request
        using (writer.PushSequence()) // CertID
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.14.3.2.26");
                writer.WriteNull();
            }

            writer.WriteOctetString(SHA1.HashData(issuer.SubjectName.RawData));
            writer.WriteOctetString(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData));
            writer.WriteInteger(certificate.SerialNumberBytes.Span);
        }

        return writer.Encode();
    }

    private enum OcspStatus { Good, Revoked, Unknown, Error }

    /// <summary>The certStatus of the single response, read with AsnReader (the signature is OpenSSL's business in the other tests).</summary>
    private static OcspStatus Status(byte[] der)
    {
        var response = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        if (response.ReadEnumeratedValue<OcspResponseStatusCode>() != OcspResponseStatusCode.Successful) return OcspStatus.Error;
        var bytes = response.ReadSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0)).ReadSequence();
        bytes.ReadObjectIdentifier();
        var basic = new System.Formats.Asn1.AsnReader(bytes.ReadOctetString(), System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var data = basic.ReadSequence();
        data.ReadEncodedValue(); // responderID
        data.ReadGeneralizedTime(); // producedAt
        var single = data.ReadSequence().ReadSequence();
        single.ReadSequence(); // certID
        return single.PeekTag().TagValue switch { 0 => OcspStatus.Good, 1 => OcspStatus.Revoked, _ => OcspStatus.Unknown };
    }

    private enum OcspResponseStatusCode { Successful = 0 }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
