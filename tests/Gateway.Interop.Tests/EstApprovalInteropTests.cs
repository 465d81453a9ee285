using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// EST manual approval with curl as the device (RFC 7030 §4.2.3): the first simpleenroll gets 202 with Retry-After,
/// an administrator approves or denies through the admin API, and curl's repeat of the same request gets the
/// certificate (200) or the refusal.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class EstApprovalInteropTests(InteropFixture fx)
{
    private string Est(string op) => $"{fx.Gateway.HttpsUrl}/.well-known/est/{InteropFixture.ManualLabel}/{op}";

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    /// <summary>An IDevID, a CSR for <paramref name="cn"/>, and the curl arguments of one simpleenroll with them.</summary>
    private string[] Device(string dir, string cn)
    {
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, cn);
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:" + cn, "-keyout", "dev.key", "-outform", "DER", "-out", "dev.csr.der");
        Tools.Ok(dir, "openssl", "base64", "-in", "dev.csr.der", "-out", "dev.csr.b64");
        return ["--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey, "-H", "Content-Type: application/pkcs10", "--data-binary", "@dev.csr.b64"];
    }

    /// <summary>The pending enrollment of the device named <paramref name="cn"/>, found as an administrator would.</summary>
    private async Task<string> PendingEnrollmentIdAsync(string cn)
    {
        using var admin = Admin();
        var list = JsonDocument.Parse(await admin.GetStringAsync(
            $"/api/v1/enrollments?status=pending&profile=est-manual-device&protocol=est&san={Uri.EscapeDataString(cn)}")).RootElement;
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("manufacturer-certificate:CN=" + cn, item.GetProperty("requester").GetString());
        var id = item.GetProperty("id").GetString()!;
        Assert.StartsWith("est:", id);
        return id;
    }

    [Fact]
    public async Task Simpleenroll_is_202_until_approved_then_the_repeat_gets_the_certificate()
    {
        var dir = fx.NewWorkDir("est-approve");
        var cn = "door-1.devices.test";
        var request = Device(dir, cn);

        var status = Tools.Curl(dir, "first.txt", [.. request, "-D", "first.headers", Est("simpleenroll")]);
        Assert.True(status == 202, $"{status}: {File.ReadAllText(Path.Combine(dir, "first.txt"))}");
        Assert.Contains("Retry-After:", File.ReadAllText(Path.Combine(dir, "first.headers")), StringComparison.OrdinalIgnoreCase);
        // Asking again before a decision: still 202, and still one enrollment.
        Assert.Equal(202, Tools.Curl(dir, "again.txt", [.. request, Est("simpleenroll")]));

        var id = await PendingEnrollmentIdAsync(cn);
        using var admin = Admin();
        using var approve = await admin.PostAsync($"/api/v1/enrollments/{Uri.EscapeDataString(id)}/approve", null);
        var approved = JsonDocument.Parse(await approve.Content.ReadAsStringAsync()).RootElement;
        Assert.True(approve.StatusCode == HttpStatusCode.OK, approved.ToString());
        var serial = approved.GetProperty("serial").GetString()!;

        // curl repeats the very same request: 200 with the certificate the administrator approved.
        status = Tools.Curl(dir, "cert.b64", [.. request, Est("simpleenroll")]);
        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(dir, "cert.b64"))}");
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "cert.b64", "-out", "cert.p7");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cert.p7", "-print_certs", "-out", "cert.pem");
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, "cert.pem"));
        var issuedSerial = Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        Assert.Equal(serial.TrimStart('0'), issuedSerial.TrimStart('0'));
        var pub = Tools.Ok(dir, "openssl", "pkey", "-in", "dev.key", "-pubout");
        Assert.Equal(pub.Trim(), Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-pubkey").Trim());

        var explained = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/enrollments/{Uri.EscapeDataString(id)}")).RootElement;
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal("api-key:bootstrap", explained.GetProperty("approval").GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Simpleenroll_denied_by_an_administrator_gets_403_on_the_repeat()
    {
        var dir = fx.NewWorkDir("est-deny");
        var cn = "door-2.devices.test";
        var request = Device(dir, cn);
        Assert.Equal(202, Tools.Curl(dir, "first.txt", [.. request, Est("simpleenroll")]));

        var id = await PendingEnrollmentIdAsync(cn);
        using var admin = Admin();
        using var deny = await admin.PostAsync($"/api/v1/enrollments/{Uri.EscapeDataString(id)}/deny",
            new StringContent("{\"reason\": \"not one of ours\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, deny.StatusCode);

        Assert.Equal(403, Tools.Curl(dir, "repeat.txt", [.. request, Est("simpleenroll")]));
        Assert.Contains("not one of ours", File.ReadAllText(Path.Combine(dir, "repeat.txt")));
        Assert.DoesNotContain("Unhandled exception", fx.Gateway.Log);
    }
}
