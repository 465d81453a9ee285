using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 13 item 2 with curl as the device: a certificate this gateway issued authenticates EST only in its own
/// profile or in one that lists it in <c>acceptsCertificatesFrom</c>, never for a renewal in another profile, and
/// only with clientAuth.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class EstCrossProfileInteropTests(InteropFixture fx)
{
    private string Est(string op, string? label = null) => $"{fx.Gateway.HttpsUrl}/.well-known/est/{(label is null ? "" : label + "/")}{op}";

    /// <summary>Issues a certificate under <paramref name="profile"/> through the admin API; writes key.pem and cert.pem to <paramref name="dir"/>.</summary>
    private async Task<(string Cert, string Key)> AdminIssueAsync(string dir, string profile, string cn)
    {
        var key = Path.Combine(dir, profile + ".key");
        var csr = Path.Combine(dir, profile + ".csr");
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:" + cn, "-keyout", key, "-out", csr);
        using var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        using var response = await http.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr = await File.ReadAllTextAsync(csr) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"{(int)response.StatusCode}: {body}");
        var cert = Path.Combine(dir, profile + ".pem");
        await File.WriteAllTextAsync(cert, JsonDocument.Parse(body).RootElement.GetProperty("certificate").GetString());
        return (cert, key);
    }

    private static string NewCsrB64(string dir, string cn, string name)
    {
        var der = Path.Combine(dir, name + ".csr.der");
        var b64 = Path.Combine(dir, name + ".csr.b64");
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:" + cn, "-keyout", Path.Combine(dir, name + ".key"), "-outform", "DER", "-out", der);
        Tools.Ok(dir, "openssl", "base64", "-in", der, "-out", b64);
        return b64;
    }

    private int Post(string dir, string output, (string Cert, string Key) client, string csr, string url) =>
        Tools.Curl(dir, output, "--cacert", fx.RootPem, "--cert", client.Cert, "--key", client.Key,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, url);

    [Fact]
    public async Task Simpleenroll_withAWebServerCertificate_underIotDevice_is403()
    {
        var dir = fx.NewWorkDir("xprofile-web");
        var web = await AdminIssueAsync(dir, "web-server", "www.xprofile.test");
        var csr = NewCsrB64(dir, "sensor-x1.devices.test", "dev");

        var status = Post(dir, "out.txt", web, csr, Est("simpleenroll"));

        Assert.True(status == 403, $"{status}: {File.ReadAllText(Path.Combine(dir, "out.txt"))}");
    }

    [Fact]
    public async Task Simpleenroll_withAnotherProfilesClientCertificate_refusedUnlessAccepted()
    {
        var dir = fx.NewWorkDir("xprofile-other");
        var other = await AdminIssueAsync(dir, "est-other-device", "fleet-b-1.devices.test");
        var csr = NewCsrB64(dir, "fleet-b-1.devices.test", "dev");

        var underIot = Post(dir, "iot.txt", other, csr, Est("simpleenroll"));
        var underAccepting = Post(dir, "accepting.txt", other, csr, Est("simpleenroll", "est-accepting-device"));

        Assert.True(underIot == 403, $"{underIot}: {File.ReadAllText(Path.Combine(dir, "iot.txt"))}");
        Assert.Contains("does not accept", File.ReadAllText(Path.Combine(dir, "iot.txt")));
        Assert.True(underAccepting == 200, $"{underAccepting}: {File.ReadAllText(Path.Combine(dir, "accepting.txt"))}");
    }

    [Fact]
    public async Task Simplereenroll_acrossProfiles_is403_evenWhenAccepted()
    {
        var dir = fx.NewWorkDir("xprofile-renew");
        var other = await AdminIssueAsync(dir, "est-other-device", "fleet-b-2.devices.test");
        var csr = NewCsrB64(dir, "fleet-b-2.devices.test", "dev");

        var accepting = Post(dir, "accepting.txt", other, csr, Est("simplereenroll", "est-accepting-device"));
        var iot = Post(dir, "iot.txt", other, csr, Est("simplereenroll"));
        var own = Post(dir, "own.txt", other, csr, Est("simplereenroll", "est-other-device"));

        Assert.True(accepting == 403, $"{accepting}: {File.ReadAllText(Path.Combine(dir, "accepting.txt"))}");
        Assert.True(iot == 403, $"{iot}: {File.ReadAllText(Path.Combine(dir, "iot.txt"))}");
        Assert.True(own == 200, $"{own}: {File.ReadAllText(Path.Combine(dir, "own.txt"))}");
    }

    [Fact]
    public async Task Simpleenroll_withAnAcceptedCertificateWithoutClientAuth_is403()
    {
        var dir = fx.NewWorkDir("xprofile-eku");
        var web = await AdminIssueAsync(dir, "web-server", "www.eku.test");
        var csr = NewCsrB64(dir, "www.eku.test", "dev");

        var status = Post(dir, "out.txt", web, csr, Est("simpleenroll", "est-accepting-device"));

        Assert.True(status == 403, $"{status}: {File.ReadAllText(Path.Combine(dir, "out.txt"))}");
        Assert.Contains("clientAuth", File.ReadAllText(Path.Combine(dir, "out.txt")));
    }
}
