using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// EST HTTP Basic with enrollment credentials (RFC 7030 §3.2.3): the credential is made through the admin API, then curl
/// enrolls with <c>-u &lt;id&gt;:&lt;secret&gt;</c> and OpenSSL checks the certificate against the chain the gateway serves.
/// A wrong id or secret is 401 with a new Basic challenge; a genuine credential that may no longer be used (revoked, or
/// its uses spent) is 403, since repeating the request with it cannot succeed (RFC 9110 §15.5.2 and §15.5.4).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class EstCredentialInteropTests(InteropFixture fx)
{
    private string Est(string op) => $"{fx.Gateway.HttpsUrl}/.well-known/est/{op}";

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    private async Task<(string Id, string Secret)> CreateCredentialAsync(object body)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    /// <summary>A P-256 key and a base64 DER CSR for <paramref name="cn"/> (with the CN also as a DNS SAN), made by OpenSSL.</summary>
    private static string NewCsr(string dir, string cn, string name)
    {
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:" + cn, "-keyout", name + ".key", "-outform", "DER", "-out", name + ".csr.der");
        Tools.Ok(dir, "openssl", "base64", "-in", name + ".csr.der", "-out", name + ".csr.b64");
        return name + ".csr.b64";
    }

    private int Enroll(string dir, string user, string csr, string output, string? headers = null) =>
        Tools.Curl(dir, output, [
            "--cacert", fx.RootPem, "-u", user, "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr,
            .. headers is null ? Array.Empty<string>() : ["-D", headers], Est("simpleenroll"),
        ]);

    /// <summary>The certs-only PKCS#7 answer as PEM, verified by OpenSSL against the gateway's root and chain; returns the serial.</summary>
    private string VerifyIssued(string dir, string b64File, string cn)
    {
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", b64File, "-out", b64File + ".der");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", b64File + ".der", "-print_certs", "-out", b64File + ".pem");
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, b64File + ".pem"));
        Assert.Contains("CN=" + cn, Tools.Ok(dir, "openssl", "x509", "-in", b64File + ".pem", "-noout", "-subject").Replace(" = ", "="));
        return Tools.Ok(dir, "openssl", "x509", "-in", b64File + ".pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
    }

    private static string Body(string dir, string file) => File.ReadAllText(Path.Combine(dir, file));

    [Fact]
    public async Task Curl_enrolls_with_a_credential_and_a_wrong_secret_is_challenged()
    {
        var dir = fx.NewWorkDir("est-basic");
        var (id, secret) = await CreateCredentialAsync(new { profile = "iot-device", subjects = new[] { "meter-1.devices.test" } });
        var csr = NewCsr(dir, "meter-1.devices.test", "dev");

        var status = Enroll(dir, $"{id}:{secret}", csr, "cert.b64");
        Assert.True(status == 200, $"{status}: {Body(dir, "cert.b64")}");
        var serial = VerifyIssued(dir, "cert.b64", "meter-1.devices.test");

        // The certificate records who asked, and the credential records the use.
        using var admin = Admin();
        var certificate = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        Assert.Equal($"http-basic:{id}", certificate.GetProperty("requester").GetString());
        var credential = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/credentials/{id}")).RootElement;
        Assert.Equal(1, credential.GetProperty("uses").GetInt32());
        var history = await admin.GetStringAsync($"/api/v1/credentials/{id}/history");
        Assert.Contains("credential_used", history);
        Assert.Contains(certificate.GetProperty("enrollmentId").GetString()!, history);

        // Wrong secret, unknown id, id that is not one: 401, with a Basic challenge, and nothing issued.
        var csr2 = NewCsr(dir, "meter-1.devices.test", "dev2");
        var wrongSecret = secret[..^4] + (secret[^4..] == "AAAA" ? "BBBB" : "AAAA");
        foreach (var (user, n) in new[] { ($"{id}:{wrongSecret}", 1), ($"{id}:", 2), ($"0000000000000000:{secret}", 3), ($"root:{secret}", 4) })
        {
            Assert.Equal(401, Enroll(dir, user, csr2, $"wrong{n}.txt", $"wrong{n}.h"));
            Assert.Contains("WWW-Authenticate: Basic", Body(dir, $"wrong{n}.h"), StringComparison.OrdinalIgnoreCase);
        }
        // A name outside the credential's subjects: authenticated, but refused (403).
        var other = NewCsr(dir, "meter-2.devices.test", "other");
        Assert.Equal(403, Enroll(dir, $"{id}:{secret}", other, "other.txt"));
        Assert.Contains("meter-2.devices.test", Body(dir, "other.txt"));
        credential = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/credentials/{id}")).RootElement;
        Assert.Equal(1, credential.GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task A_one_use_credential_works_once_then_is_403_and_a_revoked_one_is_403()
    {
        var dir = fx.NewWorkDir("est-once");
        var (id, secret) = await CreateCredentialAsync(new { profile = "iot-device", maxUses = 1, subjects = new[] { "once.devices.test" } });
        var first = NewCsr(dir, "once.devices.test", "first");
        Assert.Equal(200, Enroll(dir, $"{id}:{secret}", first, "first.b64"));
        var serial = VerifyIssued(dir, "first.b64", "once.devices.test");

        // The same request again (a client retrying) gets the same certificate; a new one is refused.
        Assert.Equal(200, Enroll(dir, $"{id}:{secret}", first, "again.b64"));
        Assert.Equal(serial, VerifyIssued(dir, "again.b64", "once.devices.test"));
        var second = NewCsr(dir, "once.devices.test", "second");
        Assert.Equal(403, Enroll(dir, $"{id}:{secret}", second, "second.txt", "second.h"));
        Assert.Contains("single use is spent", Body(dir, "second.txt"));
        Assert.DoesNotContain("WWW-Authenticate", Body(dir, "second.h"), StringComparison.OrdinalIgnoreCase);

        using var admin = Admin();
        var credential = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/credentials/{id}")).RootElement;
        Assert.Equal(("exhausted", 1), (credential.GetProperty("status").GetString(), credential.GetProperty("uses").GetInt32()));

        // Revoked: refused before any enrollment, with 403.
        var (revokedId, revokedSecret) = await CreateCredentialAsync(new { profile = "iot-device" });
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/credentials/{revokedId}")).StatusCode);
        var third = NewCsr(dir, "revoked.devices.test", "third");
        Assert.Equal(403, Enroll(dir, $"{revokedId}:{revokedSecret}", third, "revoked.txt"));
        Assert.Contains("revoked", Body(dir, "revoked.txt"));
        var total = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/certificates?san=revoked.devices.test")).RootElement.GetProperty("total").GetInt64();
        Assert.Equal(0, total);

        // A credential of another profile does not open this one.
        var (mdmId, mdmSecret) = await CreateCredentialAsync(new { profile = "mdm-device" });
        Assert.Equal(403, Enroll(dir, $"{mdmId}:{mdmSecret}", third, "mdm.txt"));
    }

    [Fact]
    public async Task Secrets_and_the_credential_key_never_reach_the_log()
    {
        var dir = fx.NewWorkDir("est-log");
        var (id, secret) = await CreateCredentialAsync(new { profile = "iot-device", maxUses = 2, subjects = new[] { "quiet.devices.test" } });
        var csr = NewCsr(dir, "quiet.devices.test", "dev");
        Assert.Equal(200, Enroll(dir, $"{id}:{secret}", csr, "cert.b64"));
        var wrong = secret[..^1] + (secret[^1] == 'x' ? 'y' : 'x'); // one character off (not "x" for "x": 1 in 62 secrets end so)
        Assert.Equal(401, Enroll(dir, $"{id}:{wrong}", csr, "wrong.txt"));

        var log = fx.Gateway.Log;
        Assert.Contains(id, log); // the id is logged (created, used, refused)...
        Assert.DoesNotContain(secret[16..], log); // ...the secret never,
        var key = File.ReadAllText(Path.Combine(fx.Dir, "data", "credential-key")).Trim();
        Assert.Equal(44, key.Length);
        Assert.DoesNotContain(key, log); // nor the key that encrypts it,
        Assert.Contains("credential-key", log); // whose file is named in the dev-mode warning.
    }
}
