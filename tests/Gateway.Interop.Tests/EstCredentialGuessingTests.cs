using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13 (Low): failed authentications are limited per client address on EST HTTP Basic too. After
/// <c>Gateway:EnrollmentPort:CredentialFailureLimit</c> wrong secrets from one address, curl gets 429 with
/// <c>Retry-After</c>, even with the right secret, until the window ends: guessing costs the guesser, not the gateway.
/// A gateway of its own, since every test client is 127.0.0.1.
/// </summary>
public sealed class EstCredentialGuessingTests : IDisposable
{
    private const string Key = "est-guessing-admin-key-0123456789";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gateway-guess-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Simpleenroll_afterTheFailureLimitFromOneAddress_is429WithRetryAfterEvenWithTheRightSecret()
    {
        Directory.CreateDirectory(_dir);
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_dir, "data"),
            new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = Key },
            ["--Gateway:EnrollmentPort:CredentialFailureLimit=3", "--Gateway:EnrollmentPort:CredentialFailureWindow=00:05:00"]);
        using var admin = new HttpClient { BaseAddress = new Uri(gateway.HttpUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await File.WriteAllTextAsync(Path.Combine(_dir, "root.pem"), await admin.GetStringAsync("/ca/root.pem"));
        using var created = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device", subjects = new[] { "guess-1.devices.test" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var credential = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var (id, secret) = (credential.GetProperty("id").GetString()!, credential.GetProperty("secret").GetString()!);
        Tools.Ok(_dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=guess-1.devices.test",
            "-addext", "subjectAltName=DNS:guess-1.devices.test", "-keyout", "dev.key", "-outform", "DER", "-out", "dev.csr.der");
        Tools.Ok(_dir, "openssl", "base64", "-in", "dev.csr.der", "-out", "dev.csr.b64");
        int Enroll(string user, string output) => Tools.Curl(_dir, output, "--cacert", "root.pem", "-u", user, "-D", output + ".headers",
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@dev.csr.b64", $"{gateway.HttpsUrl}/.well-known/est/simpleenroll");

        for (var i = 0; i < 3; i++) Assert.Equal(401, Enroll($"{id}:wrong-secret-{i}", $"wrong{i}.txt"));

        var status = Enroll($"{id}:{secret}", "right.txt");
        Assert.True(status == 429, $"{status}: {File.ReadAllText(Path.Combine(_dir, "right.txt"))}");
        var headers = File.ReadAllLines(Path.Combine(_dir, "right.txt.headers"));
        Assert.Contains(headers, h => h.StartsWith("Retry-After:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Too many failed authentications", File.ReadAllText(Path.Combine(_dir, "right.txt")));
        // Nothing was checked or used: the credential is untouched.
        var uses = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/credentials/{id}")).RootElement.GetProperty("uses").GetInt32();
        Assert.Equal(0, uses);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
