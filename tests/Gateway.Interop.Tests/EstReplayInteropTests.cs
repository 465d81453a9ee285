using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// EST identifies a request by operation, client and CSR bytes (RFC 7030 §4.2.3 retries). With curl as the client and
/// a gateway whose <c>Gateway:Est:ReplayWindow</c> is 3 s: an identical request within the window gets the certificate
/// already issued; after the window the same bytes are a new enrollment with a new certificate (a device whose CSR is
/// byte-for-byte the same at its next renewal is not handed its old certificate back).
/// </summary>
public sealed class EstReplayInteropTests : IAsyncLifetime
{
    private const string AdminKey = "replay-admin-key-0123456789";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-replay-" + Guid.NewGuid().ToString("N")[..12]);
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "data"),
            new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = AdminKey },
            ["--Gateway:Est:ReplayWindow=00:00:03"]);
        using var http = new HttpClient { BaseAddress = new Uri(_gateway.HttpUrl) };
        await File.WriteAllTextAsync(Path.Combine(_dir, "root.pem"), await http.GetStringAsync("/ca/root.pem"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string Enroll(string user)
    {
        var status = Tools.Curl(_dir, "cert.b64", "--cacert", Path.Combine(_dir, "root.pem"), "-u", user,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@dev.csr.b64", $"{_gateway.HttpsUrl}/.well-known/est/simpleenroll");
        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(_dir, "cert.b64"))}");
        Tools.Ok(_dir, "openssl", "base64", "-d", "-in", "cert.b64", "-out", "cert.p7");
        Tools.Ok(_dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cert.p7", "-print_certs", "-out", "cert.pem");
        return Tools.Ok(_dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
    }

    [Fact]
    public async Task The_same_request_is_replayed_within_the_window_and_is_a_new_enrollment_after_it()
    {
        using var admin = new HttpClient { BaseAddress = new Uri(_gateway.HttpUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device", subjects = new[] { "replay-1.devices.test" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var credential = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var user = $"{credential.GetProperty("id").GetString()}:{credential.GetProperty("secret").GetString()}";
        Tools.Ok(_dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=replay-1.devices.test", "-keyout", "dev.key", "-outform", "DER", "-out", "dev.csr.der");
        Tools.Ok(_dir, "openssl", "base64", "-in", "dev.csr.der", "-out", "dev.csr.b64");

        var first = Enroll(user);
        Assert.Equal(first, Enroll(user)); // a retry: the certificate already issued, nothing signed again

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var second = Enroll(user);
        Assert.NotEqual(first, second);    // the same bytes after the window: a new enrollment
        Assert.Equal(second, Enroll(user)); // and that one is replayed in its own window

        // Both are real, committed certificates for the same key.
        foreach (var serial in new[] { first, second })
        {
            var certificate = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
            Assert.Equal(serial, certificate.GetProperty("serial").GetString()!.ToLowerInvariant());
        }
    }
}
