using System.Net.Http.Headers;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>EST (RFC 7030) with curl and OpenSSL as the device: no code of ours on the client side.</summary>
[Collection(InteropCollection.Name)]
public sealed class EstInteropTests(InteropFixture fx)
{
    private string Est(string op, string? label = null) => $"{fx.Gateway.HttpsUrl}/.well-known/est/{(label is null ? "" : label + "/")}{op}";

    /// <summary>A P-256 key and a base64 DER CSR for <paramref name="cn"/> (with the CN also as a DNS SAN).</summary>
    private static (string Key, string CsrB64) NewCsr(string dir, string cn, string name = "dev")
    {
        var key = Path.Combine(dir, name + ".key");
        var der = Path.Combine(dir, name + ".csr.der");
        var b64 = Path.Combine(dir, name + ".csr.b64");
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:" + cn, "-keyout", key, "-outform", "DER", "-out", der);
        Tools.Ok(dir, "openssl", "base64", "-in", der, "-out", b64);
        return (key, b64);
    }

    /// <summary>base64 certs-only PKCS#7 → PEM certificates, with OpenSSL.</summary>
    private static string P7ToPem(string dir, string b64File, string pemFile)
    {
        var der = b64File + ".der";
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", b64File, "-out", der);
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", der, "-print_certs", "-out", pemFile);
        return File.ReadAllText(Path.Combine(dir, pemFile));
    }

    private void Verify(string dir, string certPem) =>
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, certPem));

    private async Task<JsonElement> AdminGetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;
    }

    [Fact]
    public void Cacerts_returns_the_chain_as_certs_only_pkcs7()
    {
        var dir = fx.NewWorkDir("cacerts");
        Assert.Equal(200, Tools.Curl(dir, "cacerts.b64", "--cacert", fx.RootPem, Est("cacerts")));
        var pem = P7ToPem(dir, "cacerts.b64", "cacerts.pem");
        Assert.Equal(2, pem.Split("BEGIN CERTIFICATE").Length - 1);
        // pkcs7 -print_certs writes each certificate's subject line: the issuing CA and the root are both there.
        Assert.Contains("CN=Gateway Dev Issuing CA", pem.Replace(" = ", "="));
        Assert.Contains("CN=Gateway Dev Root CA", pem.Replace(" = ", "="));
        // The issuing CA served here verifies against the root the gateway publishes.
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, fx.ChainPem));
        // The same under the profile's label.
        Assert.Equal(200, Tools.Curl(dir, "labelled.b64", "--cacert", fx.RootPem, Est("cacerts", "iot-device")));
    }

    [Fact]
    public void Csrattrs_names_the_profiles_curve_and_required_cn()
    {
        var dir = fx.NewWorkDir("csrattrs");
        Assert.Equal(200, Tools.Curl(dir, "attrs.b64", "--cacert", fx.RootPem, Est("csrattrs")));
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "attrs.b64", "-out", "attrs.der");
        var parsed = Tools.Ok(dir, "openssl", "asn1parse", "-inform", "DER", "-in", "attrs.der");
        Assert.Contains("prime256v1", parsed);
        Assert.Contains("ecdsa-with-SHA256", parsed);
        Assert.Contains("commonName", parsed);
    }

    [Fact]
    public async Task Simpleenroll_with_manufacturer_certificate_then_simplereenroll_with_issued_certificate()
    {
        var dir = fx.NewWorkDir("enroll");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "sensor-1.devices.test");
        var (key, csr) = NewCsr(dir, "sensor-1.devices.test");
        var status = Tools.Curl(dir, "cert.b64", "--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, Est("simpleenroll"));
        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(dir, "cert.b64"))}");
        P7ToPem(dir, "cert.b64", "cert.pem");
        Verify(dir, "cert.pem");
        var serial = Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();

        // Re-enroll: same subject and SAN, a new key, the issued certificate as the TLS client certificate.
        var (_, csr2) = NewCsr(dir, "sensor-1.devices.test", "dev2");
        status = Tools.Curl(dir, "cert2.b64", "--cacert", fx.RootPem, "--cert", "cert.pem", "--key", key,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr2, Est("simplereenroll"));
        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(dir, "cert2.b64"))}");
        P7ToPem(dir, "cert2.b64", "cert2.pem");
        Verify(dir, "cert2.pem");
        var serial2 = Tools.Ok(dir, "openssl", "x509", "-in", "cert2.pem", "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();
        Assert.NotEqual(serial, serial2);

        var record = await AdminGetAsync($"/api/v1/certificates/{serial2}");
        Assert.Equal("est", record.GetProperty("protocol").GetString());
        var history = await AdminGetAsync($"/api/v1/certificates/{serial2}/history");
        var requested = history.EnumerateArray().First(e => e.GetProperty("type").GetString() == "enrollment_requested");
        Assert.Equal(serial.TrimStart('0'), requested.GetProperty("details").GetProperty("renewalOf").GetString()!.TrimStart('0'));
        // The renewal links both certificates: the new one renews the old, the old one is superseded by the new.
        Assert.Equal(serial.TrimStart('0'), record.GetProperty("renewalOf").GetString()!.TrimStart('0'));
        var previous = await AdminGetAsync($"/api/v1/certificates/{serial}");
        Assert.Equal(serial2.TrimStart('0'), previous.GetProperty("supersededBy").GetString()!.TrimStart('0'));
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "certificate_renewed");
    }

    [Fact]
    public void Simplereenroll_with_changed_subject_is_400()
    {
        var dir = fx.NewWorkDir("reenroll-subject");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "sensor-2.devices.test");
        var (key, csr) = NewCsr(dir, "sensor-2.devices.test");
        Assert.Equal(200, Tools.Curl(dir, "cert.b64", "--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, Est("simpleenroll")));
        P7ToPem(dir, "cert.b64", "cert.pem");
        var (_, other) = NewCsr(dir, "someone-else.devices.test", "other");
        Assert.Equal(400, Tools.Curl(dir, "out.txt", "--cacert", fx.RootPem, "--cert", "cert.pem", "--key", key,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + other, Est("simplereenroll")));
        Assert.Contains("subject", File.ReadAllText(Path.Combine(dir, "out.txt")));
    }

    [Fact]
    public void Serverkeygen_returns_a_private_key_matching_the_issued_certificate()
    {
        var dir = fx.NewWorkDir("serverkeygen");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "sensor-3.devices.test");
        var (_, csr) = NewCsr(dir, "sensor-3.devices.test");
        var status = Tools.Curl(dir, "multipart.txt", "--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, "-D", "headers.txt", Est("serverkeygen"));
        var body = File.ReadAllText(Path.Combine(dir, "multipart.txt"));
        Assert.True(status == 200, $"{status}: {body}");
        var headers = File.ReadAllText(Path.Combine(dir, "headers.txt"));
        var boundary = headers.Split('\n').First(l => l.StartsWith("Content-Type: multipart/mixed", StringComparison.OrdinalIgnoreCase))
            .Split("boundary=")[1].Trim().Trim('"');
        var parts = body.Split("--" + boundary).Select(p => p.Trim()).Where(p => p.Length > 0 && p != "--").ToList();
        Assert.Equal(2, parts.Count);
        static string PartBody(string part) => part[(part.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains("application/pkcs8", parts[0]);
        File.WriteAllText(Path.Combine(dir, "key.b64"), PartBody(parts[0]));
        File.WriteAllText(Path.Combine(dir, "cert.b64"), PartBody(parts[1]));
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "key.b64", "-out", "key.der");
        Tools.Ok(dir, "openssl", "pkey", "-inform", "DER", "-in", "key.der", "-out", "key.pem");
        P7ToPem(dir, "cert.b64", "cert.pem");
        Verify(dir, "cert.pem");
        var keyPub = Tools.Ok(dir, "openssl", "pkey", "-in", "key.pem", "-pubout");
        var certPub = Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-pubkey");
        Assert.Equal(keyPub.Trim(), certPub.Trim());
    }

    [Fact]
    public async Task Bad_requests_get_the_right_status_and_issue_nothing()
    {
        var dir = fx.NewWorkDir("bad");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "bad.devices.test");
        var (_, csr) = NewCsr(dir, "bad.devices.test");
        var before = (await AdminGetAsync("/api/v1/certificates?san=bad.devices.test")).GetProperty("total").GetInt64();
        string[] auth = ["--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey];
        string[] pkcs10 = ["-H", "Content-Type: application/pkcs10"];

        File.WriteAllText(Path.Combine(dir, "notb64.txt"), "this is *not* base64 !!!");
        Assert.Equal(400, Tools.Curl(dir, "o1", [.. auth, .. pkcs10, "--data-binary", "@notb64.txt", Est("simpleenroll")]));

        File.WriteAllText(Path.Combine(dir, "notder.b64"), Convert.ToBase64String("definitely not DER"u8.ToArray()));
        Assert.Equal(400, Tools.Curl(dir, "o2", [.. auth, .. pkcs10, "--data-binary", "@notder.b64", Est("simpleenroll")]));

        // A CSR whose signature does not verify: flip a bit in the signature's last byte.
        var der = File.ReadAllBytes(Path.Combine(dir, "dev.csr.der"));
        der[^1] ^= 0x01;
        File.WriteAllText(Path.Combine(dir, "badsig.b64"), Convert.ToBase64String(der));
        Assert.Equal(400, Tools.Curl(dir, "o3", [.. auth, .. pkcs10, "--data-binary", "@badsig.b64", Est("simpleenroll")]));

        // Re-enroll with a certificate from another CA (the manufacturer's).
        Assert.Equal(403, Tools.Curl(dir, "o4", [.. auth, .. pkcs10, "--data-binary", "@" + csr, Est("simplereenroll")]));

        // Oversized body.
        File.WriteAllText(Path.Combine(dir, "big.b64"), new string('A', 200_000));
        Assert.Equal(413, Tools.Curl(dir, "o5", [.. auth, .. pkcs10, "--data-binary", "@big.b64", Est("simpleenroll")]));

        // Wrong content type.
        Assert.Equal(415, Tools.Curl(dir, "o6", [.. auth, "-H", "Content-Type: text/plain", "--data-binary", "@" + csr, Est("simpleenroll")]));

        // No credentials at all: 401 with a Basic challenge.
        Assert.Equal(401, Tools.Curl(dir, "o7", "--cacert", fx.RootPem, "-D", "h7", "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, Est("simpleenroll")));
        Assert.Contains("WWW-Authenticate: Basic", File.ReadAllText(Path.Combine(dir, "h7")), StringComparison.OrdinalIgnoreCase);

        // Unknown label; plain HTTP.
        Assert.Equal(404, Tools.Curl(dir, "o8", [.. auth, .. pkcs10, "--data-binary", "@" + csr, Est("simpleenroll", "no-such-label")]));
        Assert.Equal(403, Tools.Curl(dir, "o9", "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr, $"{fx.Gateway.HttpUrl}/.well-known/est/simpleenroll"));

        var after = (await AdminGetAsync("/api/v1/certificates?san=bad.devices.test")).GetProperty("total").GetInt64();
        Assert.Equal(before, after);
        Assert.DoesNotContain("Unhandled exception", fx.Gateway.Log);
    }
}
