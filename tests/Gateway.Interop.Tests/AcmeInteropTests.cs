using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// ACME (RFC 8555) with Debian's certbot as the client, in standalone mode: http-01 validated by the gateway against
/// certbot's own server on loopback (names under .test resolved to 127.0.0.1 by pebble-challtestsrv, the gateway's
/// <c>Gateway:Acme:DnsResolver</c>); a renewal; revocation by certbot, seen in OCSP; External Account Binding required by
/// a profile, with a credential from the admin API; identifiers pre-authorised by the bound credential's subjects.
/// Every certificate verifies against the served chain and is in the inventory.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class AcmeInteropTests(InteropFixture fx)
{
    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    private string Directory(string? profile = null) => profile is null ? $"{fx.Gateway.HttpUrl}/acme/directory" : $"{fx.Gateway.HttpUrl}/acme/{profile}/directory";

    /// <summary>certbot with its own config, work and log directories under <paramref name="dir"/>.</summary>
    private Tools.Result Certbot(string dir, string server, params string[] args) =>
        Tools.Run(dir, "certbot", [.. args, "-n", "--server", server, "--config-dir", Path.Combine(dir, "config"), "--work-dir", Path.Combine(dir, "work"),
            "--logs-dir", Path.Combine(dir, "logs")]);

    private Tools.Result CertOnly(string dir, string server, string[] names, params string[] extra) =>
        Certbot(dir, server, ["certonly", "--standalone", "--http-01-address", "127.0.0.1", "--http-01-port", fx.AcmeHttp01Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--agree-tos", "--register-unsafely-without-email", "--key-type", "ecdsa", .. names.SelectMany(n => new[] { "-d", n }), .. extra]);

    private static string Live(string dir, string name, string file) => Path.Combine(dir, "config", "live", name, file);

    private void AssertIssued(string dir, string name)
    {
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", Live(dir, name, "chain.pem"), Live(dir, name, "cert.pem")));
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, Live(dir, name, "cert.pem")));
        Assert.Contains("DNS:" + name, Tools.Ok(dir, "openssl", "x509", "-in", Live(dir, name, "cert.pem"), "-noout", "-ext", "subjectAltName"));
    }

    private static string Serial(string dir, string certificate)
    {
        var hex = Tools.Ok(dir, "openssl", "x509", "-in", certificate, "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal)) hex = hex[2..];
        return hex;
    }

    private async Task<JsonElement> StoredAsync(string serial)
    {
        using var admin = Admin();
        var response = await admin.GetAsync($"/api/v1/certificates/{serial}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"certificate {serial}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Certbot_issues_with_http01_renews_and_revokes_and_ocsp_says_revoked()
    {
        var dir = fx.NewWorkDir("acme-certbot");
        const string name = "www1.test";

        var issued = CertOnly(dir, Directory(), [name]);
        Assert.True(issued.ExitCode == 0, $"certbot certonly exited {issued.ExitCode}:\n{issued.Output}\n{fx.Gateway.Log[^Math.Min(4000, fx.Gateway.Log.Length)..]}");
        AssertIssued(dir, name);
        var first = Serial(dir, Live(dir, name, "cert.pem"));
        var stored = await StoredAsync(first);
        Assert.Equal("acme", stored.GetProperty("protocol").GetString(), ignoreCase: true);
        Assert.Equal("web-server", stored.GetProperty("profile").GetString());

        // A renewal: a new order and certificate with the same account.
        var renewed = Certbot(dir, Directory(), "renew", "--force-renewal", "--no-random-sleep-on-renew", "--standalone", "--http-01-address", "127.0.0.1",
            "--http-01-port", fx.AcmeHttp01Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(renewed.ExitCode == 0, $"certbot renew exited {renewed.ExitCode}:\n{renewed.Output}");
        AssertIssued(dir, name);
        var second = Serial(dir, Live(dir, name, "cert.pem"));
        Assert.NotEqual(first, second);

        var revoked = Certbot(dir, Directory(), "revoke", "--cert-path", Live(dir, name, "cert.pem"), "--reason", "keycompromise", "--no-delete-after-revoke");
        Assert.True(revoked.ExitCode == 0, $"certbot revoke exited {revoked.ExitCode}:\n{revoked.Output}");
        var ocsp = Tools.Ok(dir, "openssl", "ocsp", "-issuer", IssuerOf(dir, Live(dir, name, "chain.pem")), "-cert", Live(dir, name, "cert.pem"),
            "-url", $"{fx.Gateway.HttpUrl}/ocsp", "-CAfile", fx.RootPem, "-no_nonce");
        Assert.Contains(": revoked", ocsp);
        Assert.Contains("Reason: keyCompromise", ocsp);
        Assert.Equal("Revoked", (await StoredAsync(second)).GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal("Valid", (await StoredAsync(first)).GetProperty("status").GetString(), ignoreCase: true);
    }

    private static string IssuerOf(string dir, string chainPem)
    {
        var text = File.ReadAllText(chainPem);
        var end = text.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;
        var path = Path.Combine(dir, "issuer.pem");
        File.WriteAllText(path, text[..end] + "\n");
        return path;
    }

    [Fact]
    public async Task Profile_requiring_eab_refuses_certbot_without_it_and_issues_with_an_admin_credential()
    {
        var dir = fx.NewWorkDir("acme-eab");
        const string name = "eab1.test";

        var refused = CertOnly(dir, Directory(InteropFixture.AcmeEabProfile), [name]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("externalAccountRequired", refused.Output + File.ReadAllText(Path.Combine(dir, "logs", "letsencrypt.log")));

        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = InteropFixture.AcmeEabProfile, description = "certbot EAB" });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var (id, secret) = (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);

        // A wrong HMAC key is refused.
        var wrong = CertOnly(dir, Directory(InteropFixture.AcmeEabProfile), [name], "--eab-kid", id, "--eab-hmac-key", secret[..^4] + "AAAA");
        Assert.NotEqual(0, wrong.ExitCode);

        var issued = CertOnly(dir, Directory(InteropFixture.AcmeEabProfile), [name], "--eab-kid", id, "--eab-hmac-key", secret);
        Assert.True(issued.ExitCode == 0, $"certbot with EAB exited {issued.ExitCode}:\n{issued.Output}");
        AssertIssued(dir, name);
        var stored = await StoredAsync(Serial(dir, Live(dir, name, "cert.pem")));
        Assert.Equal(InteropFixture.AcmeEabProfile, stored.GetProperty("profile").GetString());
        Assert.Equal($"eab:{id}", stored.GetProperty("requester").GetString());
    }

    [Fact]
    public async Task Names_the_bound_credential_covers_are_authorised_without_a_challenge()
    {
        var dir = fx.NewWorkDir("acme-preauth");
        const string name = "unreachable1.test";
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = InteropFixture.AcmeEabProfile, subjects = new[] { name } });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // certbot's standalone server listens on a port the gateway never connects to: only a pre-authorisation can pass.
        var issued = Certbot(dir, Directory(InteropFixture.AcmeEabProfile), "certonly", "--standalone", "--http-01-address", "127.0.0.1",
            "--http-01-port", GatewayProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--agree-tos",
            "--register-unsafely-without-email", "-d", name, "--eab-kid", created.GetProperty("id").GetString()!, "--eab-hmac-key", created.GetProperty("secret").GetString()!);
        Assert.True(issued.ExitCode == 0, $"certbot exited {issued.ExitCode}:\n{issued.Output}");
        AssertIssued(dir, name);

        // A name the credential does not cover still needs its challenge, which cannot pass here.
        var other = Certbot(dir, Directory(InteropFixture.AcmeEabProfile), "certonly", "--standalone", "--http-01-address", "127.0.0.1",
            "--http-01-port", GatewayProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--agree-tos",
            "--register-unsafely-without-email", "-d", "uncovered1.test", "--cert-name", "uncovered");
        Assert.NotEqual(0, other.ExitCode);
    }
}
