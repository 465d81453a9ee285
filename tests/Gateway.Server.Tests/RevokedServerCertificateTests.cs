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
/// The gateway's own TLS server certificate, once revoked (say, after a key compromise), is replaced at once instead of
/// being presented until its renewal time. Its own host, so the shared one keeps its certificate.
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

    private static string Serial(X509Certificate2 certificate) => certificate.SerialNumber.ToLowerInvariant().TrimStart('0');

    [Fact]
    public async Task Revoked_tls_server_certificate_is_replaced_at_once()
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
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
