using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// SCEP manual approval with micromdm's <c>scepclient</c> as the device (RFC 8894 §3.3.3): the PKCSReq is answered
/// PENDING, an administrator approves the enrollment through the admin API, and scepclient's repeat of the same
/// transaction (it sleeps 30 s after a PENDING and sends again) gets SUCCESS with the approved certificate.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ScepApprovalInteropTests(InteropFixture fx)
{
    private const string Profile = "scep-manual-device";

    private string Scep => $"{fx.Gateway.HttpUrl}/scep/{Profile}";

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    [Fact]
    public async Task Scepclient_gets_pending_then_the_certificate_an_administrator_approved()
    {
        var dir = fx.NewWorkDir("scep-approve");
        using var admin = Admin();
        using var created = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = Profile, maxUses = 1 });
        var credential = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.True(created.StatusCode == HttpStatusCode.Created, credential.ToString());
        var secret = credential.GetProperty("secret").GetString()!;

        Assert.Equal(200, Tools.Curl(dir, "cacert.p7", Scep + "?operation=GetCACert"));
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cacert.p7", "-print_certs", "-out", "cacert.pem");
        var served = new X509Certificate2Collection();
        served.ImportFromPemFile(Path.Combine(dir, "cacert.pem"));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(served[0].RawData));

        // scepclient blocks while the answer is PENDING (it resends every 30 s), so it runs beside the administrator.
        var device = Task.Run(() => Tools.Run(dir, "scepclient", [
            "-private-key", Path.Combine(dir, "device.key"), "-server-url", Scep, "-ca-fingerprint", fingerprint,
            "-cn", "kiosk-0042", "-organization", "Example Corp", "-ou", "MDM", "-country", "DE", "-challenge", secret,
        ]));

        var id = await PendingEnrollmentIdAsync(admin, device);
        using var approve = await admin.PostAsync($"/api/v1/enrollments/{Uri.EscapeDataString(id)}/approve", null);
        var approved = JsonDocument.Parse(await approve.Content.ReadAsStringAsync()).RootElement;
        Assert.True(approve.StatusCode == HttpStatusCode.OK, approved.ToString());
        var serial = approved.GetProperty("serial").GetString()!;

        var result = await device;
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("PENDING", result.Output);
        var issued = Path.Combine(dir, "client.pem");
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, issued));
        var issuedSerial = Tools.Ok(dir, "openssl", "x509", "-in", issued, "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        Assert.Equal(serial.TrimStart('0'), issuedSerial.TrimStart('0'));
        Assert.Contains("CN=kiosk-0042", Tools.Ok(dir, "openssl", "x509", "-in", issued, "-noout", "-subject").Replace(" = ", "="));

        var explained = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/enrollments/{Uri.EscapeDataString(id)}")).RootElement;
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal("api-key:bootstrap", explained.GetProperty("approval").GetProperty("actor").GetString());
    }

    /// <summary>The pending SCEP enrollment of this profile, found as an administrator would (while scepclient waits).</summary>
    private static async Task<string> PendingEnrollmentIdAsync(HttpClient admin, Task<Tools.Result> device)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var list = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/enrollments?status=pending&profile={Profile}&protocol=scep")).RootElement;
            var items = list.GetProperty("items").EnumerateArray().ToList();
            if (items.Count > 0)
            {
                var item = Assert.Single(items);
                var id = item.GetProperty("id").GetString()!;
                Assert.StartsWith("scep:", id);
                return id;
            }
            if (device.IsCompleted) Assert.Fail("scepclient ended before its enrollment was pending: " + (await device).Output);
            await Task.Delay(200);
        }
        Assert.Fail("No pending SCEP enrollment appeared within 20 s.");
        return "";
    }
}
