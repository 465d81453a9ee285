using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>
/// The gateway's own TLS server certificate and OCSP signing certificate, once revoked (say, after a key compromise),
/// are replaced at once instead of being used until their renewal time. Its own host, so the shared one keeps its certificates.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RevokedServerCertificateTests : IDisposable
{
    private const string Key = "revoked-tls-key-0123456789";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-revoked-tls-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task<X509Certificate2> PresentedAsync(Uri https)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(https.Host, https.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    /// <summary>The serial as the store writes it: lowercase hex of the DER INTEGER's content, no leading zero byte.</summary>
    private static string Serial(X509Certificate2 certificate) => Canonical(certificate.SerialNumberBytes.ToArray());

    private static string Canonical(byte[] bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0) start++;
        return Convert.ToHexStringLower(bigEndian.AsSpan(start));
    }

    /// <summary>The serial of the OCSP signing certificate in the answer about <paramref name="serial"/>.</summary>
    private static async Task<string> ResponderSerialAsync(HttpClient http, Org.BouncyCastle.X509.X509Certificate issuer, string serial)
    {
        var generator = new Org.BouncyCastle.Ocsp.OcspReqGenerator();
        generator.AddRequest(new Org.BouncyCastle.Ocsp.CertificateID(
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.Oiw.OiwObjectIdentifiers.IdSha1, Org.BouncyCastle.Asn1.DerNull.Instance),
            issuer, new Org.BouncyCastle.Math.BigInteger(serial, 16)));
        using var content = new ByteArrayContent(generator.Generate().GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await http.PostAsync("/ocsp", content);
        var basic = (Org.BouncyCastle.Ocsp.BasicOcspResp)new Org.BouncyCastle.Ocsp.OcspResp(await response.Content.ReadAsByteArrayAsync()).GetResponseObject();
        return Canonical(basic.GetCerts()[0].SerialNumber.ToByteArrayUnsigned());
    }

    [Fact]
    public async Task Revoked_tls_server_and_ocsp_signing_certificates_are_replaced_at_once()
    {
        var app = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={_dataDir}",
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}",
            $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(GatewayFixture.RepoRoot(), "policies")}",
            $"--Gateway:Admin:BootstrapApiKey={Key}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            var http = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
            var https = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)));
            var before = Serial(await PresentedAsync(https));
            using var admin = new HttpClient { BaseAddress = http };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

            using var revoked = await admin.PostAsJsonAsync($"/api/v1/certificates/{before}/revoke", new { reason = "keyCompromise" });
            Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());

            var after = before;
            for (var attempt = 0; attempt < 100 && after == before; attempt++)
            {
                await Task.Delay(100);
                after = Serial(await PresentedAsync(https));
            }
            Assert.NotEqual(before, after);
            var replacement = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{after}")).RootElement;
            Assert.Equal("gateway:tls-server", replacement.GetProperty("profile").GetString());
            Assert.Equal("valid", replacement.GetProperty("status").GetString());

            // The OCSP signing certificate likewise: revoked, it is replaced and answers carry the new one.
            var issuer = new Org.BouncyCastle.X509.X509Certificate(await admin.GetByteArrayAsync("/ca/default.crt"));
            var responderBefore = await ResponderSerialAsync(admin, issuer, after);
            using var revokedResponder = await admin.PostAsJsonAsync($"/api/v1/certificates/{responderBefore}/revoke", new { reason = "keyCompromise" });
            Assert.True(revokedResponder.IsSuccessStatusCode, await revokedResponder.Content.ReadAsStringAsync());
            var responderAfter = responderBefore;
            for (var attempt = 0; attempt < 100 && responderAfter == responderBefore; attempt++)
            {
                await Task.Delay(100);
                responderAfter = await ResponderSerialAsync(admin, issuer, after);
            }
            Assert.NotEqual(responderBefore, responderAfter);
            var responder = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{responderAfter}")).RootElement;
            Assert.Equal("gateway:ocsp-responder", responder.GetProperty("profile").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
