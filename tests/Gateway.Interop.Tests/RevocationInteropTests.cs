using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Interop.Tests;

/// <summary>
/// Revocation status with OpenSSL as the relying party: it finds the OCSP responder, the issuer and the CRL through the
/// URLs in the certificate, asks <c>openssl ocsp</c> (POST, nonce) and checks with <c>openssl verify -crl_check</c>.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class RevocationInteropTests(InteropFixture fx)
{
    [GeneratedRegex(@"URI:(\S+)")]
    private static partial Regex UriPattern();

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    /// <summary>An OpenSSL key and CSR, issued through the admin API as <paramref name="file"/> (PEM); returns the serial.</summary>
    private async Task<string> IssueAsync(string dir, string name, string file)
    {
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
            "-addext", "subjectAltName=DNS:" + name, "-keyout", file + ".key", "-out", file + ".csr");
        using var http = Admin();
        var response = await http.PostAsJsonAsync("/api/v1/enrollments",
            new { profile = "web-server", csr = await File.ReadAllTextAsync(Path.Combine(dir, file + ".csr")) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var issued = JsonDocument.Parse(body).RootElement;
        await File.WriteAllTextAsync(Path.Combine(dir, file), issued.GetProperty("certificate").GetString());
        return issued.GetProperty("serial").GetString()!;
    }

    /// <summary>The URI of one extension of a certificate as OpenSSL prints it.</summary>
    private static string UriOf(string dir, string certificate, string extension, string? line = null)
    {
        var text = Tools.Ok(dir, "openssl", "x509", "-in", certificate, "-noout", "-ext", extension);
        var lines = text.Split('\n').Where(l => line is null || l.Contains(line, StringComparison.Ordinal));
        return lines.Select(l => UriPattern().Match(l)).First(m => m.Success).Groups[1].Value;
    }

    private string Ocsp(string dir, string issuer, string certificate, string url) =>
        Tools.Ok(dir, "openssl", "ocsp", "-issuer", issuer, "-cert", certificate, "-url", url, "-CAfile", fx.RootPem);

    [Fact]
    public async Task Openssl_ocsp_says_good_then_revoked_and_verify_with_the_cdp_crl_fails_only_for_the_revoked()
    {
        var dir = fx.NewWorkDir("revocation");
        var serial = await IssueAsync(dir, "revoked.example.test", "revoked.pem");
        await IssueAsync(dir, "kept.example.test", "kept.pem");

        // Everything from the certificate itself: the issuer (AIA caIssuers), the responder (AIA OCSP), the CRL (CDP).
        var caIssuers = UriOf(dir, "revoked.pem", "authorityInfoAccess", "CA Issuers");
        var ocspUrl = Tools.Ok(dir, "openssl", "x509", "-in", "revoked.pem", "-noout", "-ocsp_uri").Trim();
        var crlUrl = UriOf(dir, "revoked.pem", "crlDistributionPoints");
        Assert.Equal($"{fx.Gateway.HttpUrl}/ocsp", ocspUrl);
        Assert.Equal(200, Tools.Curl(dir, "issuing.der", caIssuers));
        Tools.Ok(dir, "openssl", "x509", "-inform", "DER", "-in", "issuing.der", "-out", "issuing.pem");

        var good = Ocsp(dir, "issuing.pem", "revoked.pem", ocspUrl);
        Assert.Contains("revoked.pem: good", good);

        using (var http = Admin())
        {
            var response = await http.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "keyCompromise" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var revoked = Tools.Run(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "revoked.pem", "-url", ocspUrl, "-CAfile", fx.RootPem);
        Assert.Contains("Response verify OK", revoked.Output);
        Assert.Contains("revoked.pem: revoked", revoked.Stdout);
        Assert.Contains("Reason: keyCompromise", revoked.Stdout);
        Assert.Contains("kept.pem: good", Ocsp(dir, "issuing.pem", "kept.pem", ocspUrl));

        // The RFC 5019 GET form, fetched with curl and checked by OpenSSL.
        Tools.Ok(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "revoked.pem", "-no_nonce", "-reqout", "req.der");
        var encoded = Uri.EscapeDataString(Convert.ToBase64String(await File.ReadAllBytesAsync(Path.Combine(dir, "req.der"))));
        Assert.Equal(200, Tools.Curl(dir, "get.der", $"{ocspUrl}/{encoded}"));
        var viaGet = Tools.Ok(dir, "openssl", "ocsp", "-respin", "get.der", "-issuer", "issuing.pem", "-cert", "revoked.pem", "-CAfile", fx.RootPem, "-no_nonce");
        Assert.Contains("revoked.pem: revoked", viaGet);

        Assert.Equal(200, Tools.Curl(dir, "crl.der", crlUrl));
        Tools.Ok(dir, "openssl", "crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem", "-CAfile", "issuing.pem", "-verify");
        var rejected = Tools.Run(dir, "openssl", "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", fx.RootPem, "-untrusted", "issuing.pem", "revoked.pem");
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("certificate revoked", rejected.Output);
        Assert.Contains("kept.pem: OK",
            Tools.Ok(dir, "openssl", "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", fx.RootPem, "-untrusted", "issuing.pem", "kept.pem"));
    }

    [Fact]
    public void Openssl_ocsp_for_a_foreign_issuer_gets_unauthorized()
    {
        var dir = fx.NewWorkDir("foreign");
        var (device, _) = fx.ManufacturerDevice(dir, "foreign.devices.test");

        var result = Tools.Run(dir, "openssl", "ocsp", "-issuer", fx.ManufacturerCaPem, "-cert", device, "-url", $"{fx.Gateway.HttpUrl}/ocsp", "-noverify");

        Assert.Contains("unauthorized", result.Output, StringComparison.OrdinalIgnoreCase);
    }
}
