using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13 item 10: a gateway other machines can reach must not issue certificates whose CRL and OCSP URLs say
/// localhost. Listening on every interface without <c>Gateway:PublicBaseUrl</c> stops the start naming the option; with
/// it the gateway starts and its certificates point there.
/// </summary>
public sealed class PublicBaseUrlStartTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "public-base-url-key-0123456789";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-pburl-" + Guid.NewGuid().ToString("N")[..12]);

    private static string[] Wildcard(int http, int https) => ["--urls", $"http://0.0.0.0:{http};https://127.0.0.1:{https}"];

    [Fact]
    public async Task Start_on_every_interface_without_a_public_base_url_exits_naming_the_option()
    {
        Directory.CreateDirectory(_dir);
        var (http, https) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(
            Path.Combine(_dir, "data"), new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key },
            Wildcard(http, https), http, https));

        output.WriteLine(refused.Message);
        Assert.Contains("exited during start (code 1)", refused.Message);
        Assert.Contains($"Gateway:PublicBaseUrl is required because the server listens on http://0.0.0.0:{http}", refused.Message);
    }

    [Fact]
    public async Task Start_on_every_interface_with_a_public_base_url_serves_certificates_pointing_there()
    {
        Directory.CreateDirectory(_dir);
        var (http, https) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());

        await using var gateway = await GatewayProcess.StartAsync(
            Path.Combine(_dir, "data"), new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key },
            [.. Wildcard(http, https), "--Gateway:PublicBaseUrl=http://pki.example.test"], http, https);

        using var client = ClusterNodes.Client(gateway, Key);
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = ClusterNodes.Csr("public.example.test") });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var certificate = X509Certificate2.CreateFromPem(JsonDocument.Parse(body).RootElement.GetProperty("certificate").GetString());
        var cdp = certificate.Extensions["2.5.29.31"];
        Assert.NotNull(cdp);
        Assert.Contains("http://pki.example.test/", System.Text.Encoding.ASCII.GetString(cdp.RawData));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
