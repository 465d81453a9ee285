using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Protocols.Common;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>
/// An issuing CA rollover on a running gateway (issue 14, item 7): new enrollments are signed by the new generation and
/// point to its CRL; certificates of the first generation keep answering OCSP, land in the first generation's CRL when
/// revoked, and still authenticate their holders' renewals. Its own host, so the shared one keeps its CA.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CaRolloverGatewayTests : IDisposable
{
    private const string Key = "rollover-key-0123456789";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-rollover-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static Task<(string Serial, X509Certificate2 Certificate)> EnrollAsync(HttpClient admin, string cn) =>
        EnrollAsync(admin, "network-element", Csrs.P256(cn, cn));

    private static async Task<(string Serial, X509Certificate2 Certificate)> EnrollAsync(HttpClient admin, string profile, string csr)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("serial").GetString()!, X509Certificate2.CreateFromPem(json.GetProperty("certificate").GetString()));
    }

    private static async Task<string> OcspStatusAsync(HttpClient http, byte[] issuerDer, string serial)
    {
        var issuer = new Org.BouncyCastle.X509.X509Certificate(issuerDer);
        var generator = new Org.BouncyCastle.Ocsp.OcspReqGenerator();
        generator.AddRequest(new Org.BouncyCastle.Ocsp.CertificateID(
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.Oiw.OiwObjectIdentifiers.IdSha1, Org.BouncyCastle.Asn1.DerNull.Instance),
            issuer, new Org.BouncyCastle.Math.BigInteger(serial, 16)));
        using var content = new ByteArrayContent(generator.Generate().GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await http.PostAsync("/ocsp", content);
        var basic = (Org.BouncyCastle.Ocsp.BasicOcspResp)new Org.BouncyCastle.Ocsp.OcspResp(await response.Content.ReadAsByteArrayAsync()).GetResponseObject();
        var responder = basic.GetCerts()[0];
        Assert.True(basic.Verify(responder.GetPublicKey()));
        responder.Verify(issuer.GetPublicKey()); // answered by that generation's own responder
        return basic.Responses[0].GetCertStatus() switch
        {
            null => "good",
            Org.BouncyCastle.Ocsp.RevokedStatus => "revoked",
            _ => "unknown",
        };
    }

    private static async Task<IReadOnlyList<string>> CrlSerialsAsync(HttpClient http, string issuerId, byte[] issuerDer)
    {
        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(await http.GetByteArrayAsync($"/crl/{issuerId}.crl"));
        crl.Verify(new Org.BouncyCastle.X509.X509Certificate(issuerDer).GetPublicKey());
        var entries = crl.GetRevokedCertificates();
        return entries is null ? [] : [.. entries.Select(e => e.SerialNumber.ToString(16))];
    }

    /// <summary>The certificates of an EST certs-only answer (base64 PKCS#7).</summary>
    private static IReadOnlyList<X509Certificate2> CertsOnly(string base64) => CertsOnly(Convert.FromBase64String(base64));

    /// <summary>The certificates of a certs-only PKCS#7 (EST answers, SCEP GetCACert).</summary>
    private static IReadOnlyList<X509Certificate2> CertsOnly(byte[] der) =>
        [.. new Org.BouncyCastle.Cms.CmsSignedData(der).GetCertificates().EnumerateMatches(null).Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded()))];

    /// <summary>SCEP GetCACert of mdm-device: the RA certificate (not a CA) and the CA certificates.</summary>
    private static async Task<(X509Certificate2 Ra, IReadOnlyList<X509Certificate2> All)> GetCaCertAsync(HttpClient http)
    {
        var all = CertsOnly(await http.GetByteArrayAsync("/scep/mdm-device?operation=GetCACert"));
        return (all.Single(c => c.Extensions.OfType<X509BasicConstraintsExtension>().SingleOrDefault() is not { CertificateAuthority: true }), all);
    }

    private static bool IssuedBy(X509Certificate2 certificate, IssuingCa issuer) =>
        certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.Certificate.SubjectName.RawData)
        && certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span
            .SequenceEqual(issuer.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.Span);

    [Fact]
    public async Task After_a_rollover_new_certificates_come_from_the_new_generation_and_old_ones_keep_ocsp_crl_and_renewal()
    {
        var app = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={_dataDir}",
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}",
            $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(GatewayFixture.RepoRoot(), "policies")}",
            $"--Gateway:Admin:BootstrapApiKey={Key}",
            "--Gateway:Crl:Debounce=00:00:00.050",
            "--Gateway:EnrollmentPort:CredentialFailureLimit=100000",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            using var http = new HttpClient { BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal))) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var ca = app.Services.GetRequiredService<ICertificateAuthority>();
            var port = app.Services.GetRequiredService<IEnrollmentPort>();
            var first = await EnrollAsync(http, "before-rollover.test");
            var firstIssuer = await http.GetByteArrayAsync("/ca/default.crt");
            using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            const string deviceCn = "device-before-rollover.test";
            var device = await EnrollAsync(http, "iot-device", AdminApi.Csr(deviceKey, deviceCn));
            var cmpResponder = app.Services.GetRequiredService<Gateway.Protocols.Cmp.CmpResponder>();
            Assert.True(IssuedBy(cmpResponder.Certificate, ca.GetIssuer("default")));
            Assert.True(IssuedBy((await GetCaCertAsync(http)).Ra, ca.GetIssuer("default")));

            // On demand through the admin API (the schedule does the same before expiry).
            using (var unnamed = await http.PostAsJsonAsync("/api/v1/ca/rollover", new { }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode); // the issuer must be named on purpose
            }
            Assert.Equal("default", ca.DefaultIssuerId);
            using (var rolled = await http.PostAsJsonAsync("/api/v1/ca/rollover", new { issuer = "default" }))
            {
                var status = JsonDocument.Parse(await rolled.Content.ReadAsStringAsync()).RootElement;
                Assert.True(rolled.StatusCode == HttpStatusCode.OK, status.ToString());
                Assert.Equal("default-g2", status.GetProperty("current").GetString());
            }
            var next = ca.GetIssuer("default-g2");

            // New enrollments: signed by the new generation, pointing to its CRL and caIssuers, chain served at /ca/chain.pem.
            Assert.Equal("default-g2", next.Id);
            var second = await EnrollAsync(http, "after-rollover.test");
            for (var attempt = 0; attempt < 50; attempt++) // the front-ends' profile cache sees the new chain within its TTL
            {
                if (attempt > 0) second = await EnrollAsync(http, $"after-rollover-{attempt}.test");
                if (second.Certificate.IssuerName.RawData.AsSpan().SequenceEqual(next.Certificate.SubjectName.RawData)
                    && second.Certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span
                        .SequenceEqual(next.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.Span))
                {
                    break;
                }
            }
            Assert.Contains("/crl/default-g2.crl", second.Certificate.Extensions["2.5.29.31"]!.Format(false));
            var stored = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/certificates/{second.Serial}")).RootElement;
            Assert.Contains("Issuing", stored.GetProperty("issuer").GetString());
            Assert.Equal(next.ChainDer[0], await http.GetByteArrayAsync("/ca/default-g2.crt"));
            Assert.Contains(Convert.ToBase64String(next.ChainDer[0])[..40], (await http.GetStringAsync("/ca/chain.pem")).Replace("\n", ""));

            // The gateway's protocol identities move to the new generation with the chain their answers carry: the SCEP RA
            // certificate is issued by the CA certificate GetCACert hands out, the CMP responder's by the chain in extraCerts.
            var (ra, scepCerts) = await GetCaCertAsync(http);
            for (var attempt = 0; attempt < 100 && !scepCerts.Any(c => c.RawData.AsSpan().SequenceEqual(next.ChainDer[0])); attempt++)
            {
                await Task.Delay(100); // the front-ends' profile cache sees the new chain within its TTL
                (ra, scepCerts) = await GetCaCertAsync(http);
            }
            Assert.Contains(scepCerts, c => c.RawData.AsSpan().SequenceEqual(next.ChainDer[0]));
            Assert.True(IssuedBy(ra, next), $"the RA certificate {ra.SerialNumber} is not issued by {next.Id}");
            Assert.True(IssuedBy(cmpResponder.Certificate, next), $"the CMP responder certificate {cmpResponder.Certificate.SerialNumber} is not issued by {next.Id}");

            // Both answer OCSP, each through its own generation.
            Assert.Equal("good", await OcspStatusAsync(http, firstIssuer, first.Serial));
            Assert.Equal("good", await OcspStatusAsync(http, next.ChainDer[0], second.Serial));

            // A first-generation certificate still authenticates its holder's renewal (EST simplereenroll, CMP kur, SCEP).
            var profile = (await port.ResolveProfileAsync(EnrollmentProtocol.Admin, "network-element"))!;
            var check = await port.VerifyClientCertificateAsync(profile, first.Certificate, ClientCertificateUse.Renewal, [], []);
            Assert.True(check.Authenticated, check.Message);

            // Over the wire: EST simplereenroll over TLS with the first generation's certificate, once EST serves the new chain.
            using var deviceCertificate = X509CertificateLoader.LoadPkcs12(device.Certificate.CopyWithPrivateKey(deviceKey).Export(X509ContentType.Pkcs12), null);
            using var handler = new HttpClientHandler
            {
                ClientCertificateOptions = ClientCertificateOption.Manual,
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            };
            handler.ClientCertificates.Add(deviceCertificate);
            using var est = new HttpClient(handler) { BaseAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal))) };
            IReadOnlyList<X509Certificate2> caCerts = [];
            for (var attempt = 0; attempt < 100 && !caCerts.Any(c => c.RawData.AsSpan().SequenceEqual(next.ChainDer[0])); attempt++)
            {
                if (attempt > 0) await Task.Delay(100); // the front-ends' profile cache sees the new chain within its TTL
                caCerts = CertsOnly(await est.GetStringAsync("/.well-known/est/iot-device/cacerts"));
            }
            Assert.Contains(caCerts, c => c.RawData.AsSpan().SequenceEqual(next.ChainDer[0]));
            // RFC 7030 §4.1.3: what a client needs to build a chain from any certificate this CA issued, the first generation's included.
            Assert.Contains(caCerts, c => c.RawData.AsSpan().SequenceEqual(firstIssuer));
            using var reenrollBody = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(AdminApi.CsrDer(deviceKey, deviceCn))));
            reenrollBody.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            using var reenrolled = await est.PostAsync("/.well-known/est/iot-device/simplereenroll", reenrollBody);
            var reenrolledBody = await reenrolled.Content.ReadAsStringAsync();
            Assert.True(reenrolled.StatusCode == HttpStatusCode.OK, $"{(int)reenrolled.StatusCode}: {reenrolledBody}");
            var renewed = CertsOnly(reenrolledBody).Single(c => c.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == deviceCn);
            Assert.True(IssuedBy(renewed, next), renewed.Issuer);
            Assert.True(IssuedBy(device.Certificate, ca.GetIssuer("default")));

            // Revoked, it lands in the first generation's CRL (not the new one's) and OCSP says revoked.
            using var revoke = await http.PostAsJsonAsync($"/api/v1/certificates/{first.Serial}/revoke", new { reason = "superseded" });
            Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
            Assert.Equal("revoked", await OcspStatusAsync(http, firstIssuer, first.Serial));
            IReadOnlyList<string> listed = [];
            for (var attempt = 0; attempt < 100 && !listed.Contains(first.Serial.TrimStart('0')); attempt++)
            {
                await Task.Delay(100);
                listed = await CrlSerialsAsync(http, "default", firstIssuer);
            }
            Assert.Contains(first.Serial.TrimStart('0'), listed);
            Assert.DoesNotContain(first.Serial.TrimStart('0'), await CrlSerialsAsync(http, "default-g2", next.ChainDer[0]));
            // Front-ends that hand out CRLs (SCEP GetCRL by the certificate's issuer and serial, CMP crlStatusList) give the
            // CRL of the generation that signed the certificate: both generations have one name, only the serial tells.
            var crlProfile = (await port.ResolveProfileAsync(EnrollmentProtocol.Admin, "network-element"))!;
            // The store's serial is 32 hex digits, a leading zero nibble kept (as SCEP's IssuerAndSerialNumber reads it back).
            var crlOfFirst = await port.GetCurrentCrlAsync(crlProfile, first.Serial);
            Assert.Equal("default", crlOfFirst!.IssuerId);
            Assert.Equal("default-g2", (await port.GetCurrentCrlAsync(crlProfile, second.Serial))!.IssuerId);
            Assert.Equal("default-g2", (await port.GetCurrentCrlAsync(crlProfile))!.IssuerId);
            Assert.Equal(["default-g2", "default"], (await port.GetCurrentCrlsAsync(crlProfile)).Select(c => c.IssuerId));

            // The admin API lists both generations; without the root key a rollover is refused, saying why; each attempt is audited.
            var listed2 = JsonDocument.Parse(await http.GetStringAsync("/api/v1/ca")).RootElement;
            Assert.Equal(["default", "default-g2"], listed2.GetProperty("generations").EnumerateArray().Select(g => g.GetProperty("id").GetString()));
            Assert.True(listed2.GetProperty("canRollOver").GetBoolean());
            // Every CA certificate the gateway signed is in the store: the root and both generations (the new one
            // recorded after the rollover), and none of them is revocable through the inventory.
            var issuingSerials = new[] { firstIssuer, next.ChainDer[0] }.Select(der => Convert.ToHexStringLower(
                X509CertificateLoader.LoadCertificate(der).SerialNumberBytes.Span.TrimStart((byte)0))).ToArray();
            JsonElement caCertificates = default;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                caCertificates = JsonDocument.Parse(await http.GetStringAsync("/api/v1/certificates?profile=gateway:issuing-ca")).RootElement;
                if (caCertificates.GetProperty("total").GetInt64() >= 2) break;
                await Task.Delay(100);
            }
            Assert.Equal(issuingSerials.Order(), caCertificates.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("serial").GetString()!).Order());
            Assert.Equal(1, JsonDocument.Parse(await http.GetStringAsync("/api/v1/certificates?profile=gateway:root-ca")).RootElement.GetProperty("total").GetInt64());
            using (var notRevocable = await http.PostAsJsonAsync($"/api/v1/certificates/{issuingSerials[0]}/revoke", new { reason = "keyCompromise" }))
            {
                Assert.Equal(HttpStatusCode.Conflict, notRevocable.StatusCode);
                Assert.Contains("not-revocable", await notRevocable.Content.ReadAsStringAsync());
            }
            File.Move(Path.Combine(_dataDir, "ca", "root.key"), Path.Combine(_dataDir, "root.key.offline"));
            using (var refused = await http.PostAsJsonAsync("/api/v1/ca/rollover", new { issuer = "default" }))
            {
                var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
                Assert.Contains("ca-rollover-impossible", problem.GetProperty("type").GetString());
            }
            Assert.Equal("default-g2", ca.DefaultIssuerId);
            var audit = JsonDocument.Parse(await http.GetStringAsync("/api/v1/audit?action=ca.rollover")).RootElement;
            Assert.Equal(3, audit.GetProperty("items").GetArrayLength()); // the unnamed attempt, the rollover, the refused one
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
