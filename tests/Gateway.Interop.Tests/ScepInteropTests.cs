using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// SCEP (RFC 8894) with micromdm's <c>scepclient</c> (Debian package <c>scep</c>), a real client: enrollment with a
/// one-time challenge made through the admin API, the challenge refused when replayed, renewal signed by the current
/// certificate. scepclient 2.1 encrypts to every certificate GetCACert returns unless it is told the RA's SHA-256
/// fingerprint, and it sends DES-CBC and SHA-1 whatever GetCACaps says: the shared gateway allows single DES for it.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ScepInteropTests(InteropFixture fx)
{
    private string Scep => $"{fx.Gateway.HttpUrl}/scep";

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    /// <summary>A challenge for mdm-device: one-time with <paramref name="maxUses"/> 1, static (no limit) with null.</summary>
    private async Task<(string Id, string Secret)> CreateChallengeAsync(int? maxUses)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", maxUses is null ? new { profile = "mdm-device" } : (object)new { profile = "mdm-device", maxUses });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    /// <summary>GetCACert through curl: the RA certificate first (digitalSignature + keyEncipherment), then the CA chain; returns the RA's SHA-256 fingerprint.</summary>
    private string RaFingerprint(string dir)
    {
        Assert.Equal(200, Tools.Curl(dir, "cacert.p7", "-D", "cacert.headers", Scep + "?operation=GetCACert&message=default"));
        Assert.Contains("content-type: application/x-x509-ca-ra-cert", File.ReadAllText(Path.Combine(dir, "cacert.headers")).ToLowerInvariant());
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cacert.p7", "-print_certs", "-out", "cacert.pem");
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(dir, "cacert.pem"));
        Assert.True(certificates.Count >= 2, "GetCACert returns the RA certificate and the CA chain");
        var ra = certificates[0];
        var usage = ra.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
        Assert.True(usage.HasFlag(X509KeyUsageFlags.KeyEncipherment) && usage.HasFlag(X509KeyUsageFlags.DigitalSignature), $"RA key usage {usage}");
        Assert.NotNull(ra.GetRSAPublicKey());
        foreach (var other in certificates.Skip(1))
        {
            var otherUsage = other.Extensions.OfType<X509KeyUsageExtension>().SingleOrDefault()?.KeyUsages ?? X509KeyUsageFlags.None;
            Assert.False(otherUsage.HasFlag(X509KeyUsageFlags.KeyEncipherment), "only the RA certificate allows key encipherment");
        }
        return Convert.ToHexStringLower(SHA256.HashData(ra.RawData));
    }

    private Tools.Result ScepClient(string dir, string? challenge, string fingerprint, string cn, string? certificate = null) =>
        Tools.Run(dir, "scepclient", [
            "-private-key", Path.Combine(dir, "device.key"), "-server-url", Scep, "-ca-fingerprint", fingerprint,
            "-cn", cn, "-organization", "Example Corp", "-ou", "MDM", "-country", "DE",
            .. challenge is null ? Array.Empty<string>() : ["-challenge", challenge],
            .. certificate is null ? Array.Empty<string>() : ["-certificate", certificate],
        ]);

    [Fact]
    public async Task GetCACert_ra_certificate_is_recorded_in_the_store_and_good_over_ocsp()
    {
        var dir = fx.NewWorkDir("scep-ra");
        RaFingerprint(dir);
        var ra = new X509Certificate2Collection();
        ra.ImportFromPemFile(Path.Combine(dir, "cacert.pem"));
        var serial = ra[0].SerialNumber.ToLowerInvariant();

        using var admin = Admin();
        var stored = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        Assert.Equal("gateway:scep-ra", stored.GetProperty("profile").GetString());
        File.WriteAllText(Path.Combine(dir, "ra.pem"), ra[0].ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "issuer.pem"), ra[1].ExportCertificatePem());
        var ocsp = Tools.Ok(dir, "openssl", "ocsp", "-issuer", "issuer.pem", "-cert", "ra.pem", "-url", fx.Gateway.HttpUrl + "/ocsp",
            "-CAfile", fx.RootPem);
        Assert.Contains("ra.pem: good", ocsp);
    }

    [Fact]
    public void GetCACaps_lists_the_capabilities_in_plain_text()
    {
        var dir = fx.NewWorkDir("scep-caps");

        Assert.Equal(200, Tools.Curl(dir, "caps.txt", Scep + "?operation=GetCACaps"));

        var caps = File.ReadAllLines(Path.Combine(dir, "caps.txt"));
        Assert.Contains("POSTPKIOperation", caps);
        Assert.Contains("SHA-256", caps);
        Assert.Contains("AES", caps);
        Assert.Contains("SCEPStandard", caps);
        Assert.Contains("Renewal", caps);
    }

    [Fact]
    public async Task Scepclient_enrolls_with_a_one_time_challenge_which_then_cannot_be_replayed_and_renews_with_its_certificate()
    {
        var dir = fx.NewWorkDir("scep-enroll");
        var (id, secret) = await CreateChallengeAsync(maxUses: 1);
        var fingerprint = RaFingerprint(dir);

        var enrolled = ScepClient(dir, secret, fingerprint, "device-0001");
        Assert.True(enrolled.ExitCode == 0, enrolled.Output);
        var issued = Path.Combine(dir, "client.pem");
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, issued));
        var subject = Tools.Ok(dir, "openssl", "x509", "-in", issued, "-noout", "-subject").Replace(" = ", "=");
        Assert.Contains("CN=device-0001", subject);
        Assert.Contains("O=Example Corp", subject);
        var serial = Tools.Ok(dir, "openssl", "x509", "-in", issued, "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        using var admin = Admin();
        var stored = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        Assert.Equal($"challenge-password:{id}", stored.GetProperty("requester").GetString());
        Assert.Equal("Scep", stored.GetProperty("protocol").GetString(), ignoreCase: true);

        // The one-time challenge is spent: a second device (new key, new transaction) presenting it is refused.
        var other = fx.NewWorkDir("scep-replay");
        var replayed = ScepClient(other, secret, fingerprint, "device-0002");
        Assert.NotEqual(0, replayed.ExitCode);
        Assert.Contains("failInfo", replayed.Output);
        Assert.False(File.Exists(Path.Combine(other, "client.pem")));

        // Renewal: scepclient signs a RenewalReq with its current certificate and needs no challenge.
        var renewed = ScepClient(dir, null, fingerprint, "device-0001", issued);
        Assert.True(renewed.ExitCode == 0, renewed.Output);
        var newSerial = Tools.Ok(dir, "openssl", "x509", "-in", issued, "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        Assert.NotEqual(serial, newSerial);
        var renewal = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{newSerial}")).RootElement;
        Assert.Equal(serial, renewal.GetProperty("renewalOf").GetString());
    }

    [Fact]
    public async Task Scepclient_with_a_static_challenge_enrolls_twice_and_a_resent_request_gets_the_same_certificate()
    {
        var (id, secret) = await CreateChallengeAsync(maxUses: null);
        var first = fx.NewWorkDir("scep-static-1");
        var fingerprint = RaFingerprint(first);

        var enrolled = ScepClient(first, secret, fingerprint, "device-0101");
        Assert.True(enrolled.ExitCode == 0, enrolled.Output);
        var serial = Serial(first);

        // The same key and CSR again (scepclient keeps both): the same transaction, so the stored certificate, not a second one.
        File.Delete(Path.Combine(first, "client.pem"));
        var resent = ScepClient(first, secret, fingerprint, "device-0101");
        Assert.True(resent.ExitCode == 0, resent.Output);
        Assert.Equal(serial, Serial(first));

        // The same key (so the same transactionID) with another request: refused, nothing issued.
        File.Delete(Path.Combine(first, "client.pem"));
        File.Delete(Path.Combine(first, "csr.pem"));
        var reused = ScepClient(first, secret, fingerprint, "device-0199");
        Assert.NotEqual(0, reused.ExitCode);
        Assert.Contains("failInfo: badRequest", reused.Output);

        // A static challenge serves every device.
        var second = fx.NewWorkDir("scep-static-2");
        var other = ScepClient(second, secret, fingerprint, "device-0102");
        Assert.True(other.ExitCode == 0, other.Output);
        Assert.NotEqual(serial, Serial(second));
        // An unlimited credential's uses are recorded just after the certificates commit (batched, not in their commit).
        using var admin = Admin();
        var uses = 0;
        for (var attempt = 0; attempt < 50 && uses < 2; attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            uses = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/credentials/{id}")).RootElement.GetProperty("uses").GetInt32();
        }
        Assert.Equal(2, uses);
    }

    private static string Serial(string dir) =>
        Tools.Ok(dir, "openssl", "x509", "-in", Path.Combine(dir, "client.pem"), "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();

    [Fact]
    public void Scepclient_with_a_wrong_challenge_gets_a_signed_failure_and_no_certificate()
    {
        var dir = fx.NewWorkDir("scep-wrong");
        var fingerprint = RaFingerprint(dir);

        var result = ScepClient(dir, "abcdefghij012345" + new string('Z', 44), fingerprint, "device-0003");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("failInfo", result.Output);
        Assert.False(File.Exists(Path.Combine(dir, "client.pem")));
    }

    [Fact]
    public void PKIOperation_with_garbage_is_400_with_a_text_body()
    {
        var dir = fx.NewWorkDir("scep-garbage");
        File.WriteAllBytes(Path.Combine(dir, "garbage.bin"), RandomNumberGenerator.GetBytes(300));

        var status = Tools.Curl(dir, "answer.txt", "-H", "Content-Type: application/x-pki-message", "--data-binary", "@garbage.bin",
            Scep + "?operation=PKIOperation");

        Assert.Equal(400, status);
        Assert.Contains("SignedData", File.ReadAllText(Path.Combine(dir, "answer.txt")));
    }
}
