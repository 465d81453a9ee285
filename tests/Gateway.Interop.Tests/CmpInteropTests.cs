using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>
/// CMP (RFC 9810, Lightweight CMP profile RFC 9483, HTTP transfer RFC 9811) with <c>openssl cmp</c> (OpenSSL 3.0) as the
/// client: ir with MAC protection (<c>-ref</c>/<c>-secret</c>) with and without implicit confirmation, cr and kur with
/// signature protection, p10cr, rr, genm for the CA certificates, and delayed delivery (pollReq/pollRep) of an enrollment
/// an administrator approves. Every certificate verifies against the served chain; revocation shows in OCSP and the CRL.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CmpInteropTests(InteropFixture fx)
{
    private string Cmp => $"{fx.Gateway.HttpUrl}/.well-known/cmp";

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        return http;
    }

    private async Task<(string Id, string Secret)> CredentialAsync(string profile = "network-element")
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/credentials", new { profile });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private static string NewKey(string dir, string name)
    {
        Tools.Ok(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name);
        return name;
    }

    /// <summary><c>openssl cmp</c> against <paramref name="server"/>; requires success and returns its log.</summary>
    private static string OpensslCmp(string dir, string server, params string[] args)
    {
        var result = Tools.Run(dir, "openssl", ["cmp", "-server", server, "-msg_timeout", "60", "-total_timeout", "120", .. args]);
        Assert.True(result.ExitCode == 0, $"openssl cmp {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result.Output;
    }

    private void AssertVerifies(string dir, string certificate) =>
        Assert.Contains(": OK", Tools.Ok(dir, "openssl", "verify", "-CAfile", fx.RootPem, "-untrusted", fx.ChainPem, certificate));

    private static string Serial(string dir, string certificate) =>
        Tools.Ok(dir, "openssl", "x509", "-in", certificate, "-noout", "-serial").Trim().Split('=')[1].ToLowerInvariant();

    private async Task<JsonElement> StoredAsync(string serial)
    {
        using var admin = Admin();
        var canonical = serial.Length > 2 && serial.StartsWith("00", StringComparison.Ordinal) ? serial[2..] : serial;
        return JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/certificates/{canonical}")).RootElement;
    }

    [Fact]
    public async Task Openssl_cmp_ir_with_mac_then_cr_and_kur_with_signature_then_p10cr_all_verify_against_the_served_chain()
    {
        var dir = fx.NewWorkDir("cmp-flows");
        var (id, secret) = await CredentialAsync();

        // ir, MAC-protected with the credential, confirmed with certConf.
        var ir = OpensslCmp(dir, Cmp, "-cmd", "ir", "-ref", id, "-secret", "pass:" + secret, "-newkey", NewKey(dir, "ir.key"),
            "-subject", "/CN=router-7.test", "-sans", "router-7.test", "-certout", "ir.pem", "-chainout", "ir-chain.pem");
        Assert.Contains("received IP", ir);
        Assert.Contains("sending CERTCONF", ir);
        Assert.Contains("received PKICONF", ir);
        AssertVerifies(dir, "ir.pem");
        var stored = await StoredAsync(Serial(dir, "ir.pem"));
        Assert.Equal("cmp", stored.GetProperty("protocol").GetString());
        Assert.Equal("network-element", stored.GetProperty("profile").GetString());
        Assert.Equal("valid", stored.GetProperty("status").GetString());

        // cr, signed with the certificate just enrolled; the gateway's signed answers are checked against the root.
        var cr = OpensslCmp(dir, Cmp, "-cmd", "cr", "-cert", "ir.pem", "-key", "ir.key", "-trusted", fx.RootPem,
            "-newkey", NewKey(dir, "cr.key"), "-subject", "/CN=router-7b.test", "-certout", "cr.pem");
        Assert.Contains("received CP", cr);
        AssertVerifies(dir, "cr.pem");

        // kur, signed with the certificate it updates: the new certificate renews it.
        var kur = OpensslCmp(dir, Cmp, "-cmd", "kur", "-cert", "ir.pem", "-key", "ir.key", "-trusted", fx.RootPem,
            "-newkey", NewKey(dir, "kur.key"), "-certout", "kur.pem");
        Assert.Contains("received KUP", kur);
        AssertVerifies(dir, "kur.pem");
        Assert.Contains("CN=router-7.test", Tools.Ok(dir, "openssl", "x509", "-in", "kur.pem", "-noout", "-subject").Replace(" = ", "="));
        var renewed = await StoredAsync(Serial(dir, "kur.pem"));
        Assert.Equal(Serial(dir, "ir.pem").TrimStart('0'), renewed.GetProperty("renewalOf").GetString()!.TrimStart('0'));

        // p10cr: a PKCS#10 CSR in CMP, with implicit confirmation.
        Tools.Ok(dir, "openssl", "req", "-new", "-key", NewKey(dir, "p10.key"), "-subj", "/CN=router-7c.test", "-out", "p10.csr");
        var p10 = OpensslCmp(dir, Cmp, "-cmd", "p10cr", "-ref", id, "-secret", "pass:" + secret, "-csr", "p10.csr", "-implicit_confirm", "-certout", "p10.pem");
        Assert.Contains("received CP", p10);
        Assert.DoesNotContain("CERTCONF", p10);
        AssertVerifies(dir, "p10.pem");
    }

    [Fact]
    public async Task Openssl_cmp_ir_with_implicit_confirm_needs_no_certConf()
    {
        var dir = fx.NewWorkDir("cmp-implicit");
        var (id, secret) = await CredentialAsync();

        var log = OpensslCmp(dir, Cmp, "-cmd", "ir", "-ref", id, "-secret", "pass:" + secret, "-newkey", NewKey(dir, "k.key"),
            "-subject", "/CN=switch-1.test", "-implicit_confirm", "-certout", "c.pem");

        Assert.Contains("received IP", log);
        Assert.DoesNotContain("CERTCONF", log);
        AssertVerifies(dir, "c.pem");
        Assert.Equal("valid", (await StoredAsync(Serial(dir, "c.pem"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Openssl_cmp_rr_revokes_and_the_revocation_shows_in_ocsp_and_the_crl()
    {
        var dir = fx.NewWorkDir("cmp-rr");
        var (id, secret) = await CredentialAsync();
        OpensslCmp(dir, Cmp, "-cmd", "ir", "-ref", id, "-secret", "pass:" + secret, "-newkey", NewKey(dir, "k.key"),
            "-subject", "/CN=bts-12.test", "-implicit_confirm", "-certout", "c.pem");
        File.WriteAllText(Path.Combine(dir, "issuing.pem"), File.ReadAllText(fx.ChainPem).Split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n");
        var ocspUrl = Tools.Ok(dir, "openssl", "x509", "-in", "c.pem", "-noout", "-ocsp_uri").Trim();
        Assert.Contains("c.pem: good", Tools.Ok(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "c.pem", "-url", ocspUrl, "-CAfile", fx.RootPem));

        var rr = OpensslCmp(dir, Cmp, "-cmd", "rr", "-cert", "c.pem", "-key", "k.key", "-trusted", fx.RootPem, "-oldcert", "c.pem", "-revreason", "1");
        Assert.Contains("revocation accepted", rr);

        var ocsp = Tools.Run(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "c.pem", "-url", ocspUrl, "-CAfile", fx.RootPem);
        Assert.Contains("c.pem: revoked", ocsp.Output);
        Assert.Contains("Reason: keyCompromise", ocsp.Output);
        Assert.Equal("revoked", (await StoredAsync(Serial(dir, "c.pem"))).GetProperty("status").GetString());

        // The CRL (at the certificate's distribution point) lists it once republished (debounced).
        var cdp = Tools.Ok(dir, "openssl", "x509", "-in", "c.pem", "-noout", "-ext", "crlDistributionPoints");
        var crlUrl = cdp.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("URI:", StringComparison.Ordinal))[4..];
        var serial = Serial(dir, "c.pem").ToUpperInvariant();
        for (var attempt = 0; ; attempt++)
        {
            Assert.Equal(200, Tools.Curl(dir, "crl.der", crlUrl));
            var text = Tools.Ok(dir, "openssl", "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");
            if (text.Contains(serial, StringComparison.Ordinal)) break;
            Assert.True(attempt < 60, $"serial {serial} not in the CRL after 30 s:\n{text}");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Openssl_cmp_genm_for_ca_certificates_gets_the_chain()
    {
        var dir = fx.NewWorkDir("cmp-genm");
        var (id, secret) = await CredentialAsync();
        // OpenSSL 3.0 has no name for id-it-caCerts (RFC 9483 §4.3.1): give it one in a config file.
        File.WriteAllText(Path.Combine(dir, "oids.cnf"), "oid_section = new_oids\n[new_oids]\ncaCerts = 1.3.6.1.5.5.7.4.17\n[cmp]\n");
        var psi = Tools.Run(dir, "env", "OPENSSL_CONF=" + Path.Combine(dir, "oids.cnf"), "openssl", "cmp", "-config", Path.Combine(dir, "oids.cnf"),
            "-server", Cmp, "-cmd", "genm", "-infotype", "caCerts", "-ref", id, "-secret", "pass:" + secret, "-rspout", "genp.der");
        Assert.True(psi.ExitCode == 0, psi.Output);
        Assert.Contains("genp contains ITAV of type: id-it-caCerts", psi.Output);
        // The answer carries the issuing CA and the root, as served at /ca/chain.pem.
        var dump = Tools.Ok(dir, "openssl", "asn1parse", "-inform", "DER", "-in", "genp.der");
        Assert.Contains("id-it-caCerts", dump);
        var chain = File.ReadAllText(fx.ChainPem);
        foreach (var pem in chain.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries).Where(p => p.Contains("BEGIN", StringComparison.Ordinal)))
        {
            var der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal))));
            Assert.True(File.ReadAllBytes(Path.Combine(dir, "genp.der")).AsSpan().IndexOf(der) >= 0, "the genp holds every certificate of the chain");
        }
    }

    [Fact]
    public async Task Openssl_cmp_polls_while_pending_and_gets_the_certificate_an_administrator_approved()
    {
        var dir = fx.NewWorkDir("cmp-poll");
        var (id, secret) = await CredentialAsync("cmp-manual-element");
        var device = Task.Run(() => Tools.Run(dir, "openssl", "cmp", "-server", $"{Cmp}/p/cmp-manual-element", "-cmd", "ir", "-ref", id, "-secret", "pass:" + secret,
            "-newkey", NewKey(dir, "k.key"), "-subject", "/CN=rbs-0042", "-certout", "c.pem", "-total_timeout", "110"));

        using var admin = Admin();
        string? enrollment = null;
        for (var attempt = 0; attempt < 100 && enrollment is null; attempt++)
        {
            var list = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/enrollments?status=pending&profile=cmp-manual-element&protocol=cmp")).RootElement;
            enrollment = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).FirstOrDefault();
            if (enrollment is null)
            {
                if (device.IsCompleted) Assert.Fail("openssl cmp ended before its enrollment was pending: " + (await device).Output);
                await Task.Delay(200);
            }
        }
        Assert.NotNull(enrollment);
        using var approve = await admin.PostAsync($"/api/v1/enrollments/{Uri.EscapeDataString(enrollment)}/approve", null);
        Assert.True(approve.StatusCode == HttpStatusCode.OK, await approve.Content.ReadAsStringAsync());

        var result = await device;
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("received 'waiting' PKIStatus", result.Output);
        Assert.Contains("received POLLREP", result.Output);
        AssertVerifies(dir, "c.pem");
    }

    [Fact]
    public async Task Openssl_cmp_ir_signed_with_a_manufacturer_certificate_the_profile_trusts_enrolls_and_others_are_refused()
    {
        var dir = fx.NewWorkDir("cmp-idevid");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "rbs-7777");
        var server = $"{Cmp}/p/cmp-idevid-element";

        var log = OpensslCmp(dir, server, "-cmd", "ir", "-cert", idevid, "-key", idevidKey, "-trusted", fx.RootPem,
            "-newkey", NewKey(dir, "ldevid.key"), "-subject", "/CN=rbs-7777", "-certout", "ldevid.pem");

        Assert.Contains("received IP", log);
        AssertVerifies(dir, "ldevid.pem");
        var stored = await StoredAsync(Serial(dir, "ldevid.pem"));
        Assert.Equal("cmp-idevid-element", stored.GetProperty("profile").GetString());
        Assert.StartsWith("manufacturer-certificate:", stored.GetProperty("requester").GetString());

        // The default CMP profile does not trust that manufacturer: the same device is refused (signerNotTrusted), nothing issued.
        var refused = Tools.Run(dir, "openssl", "cmp", "-server", Cmp, "-cmd", "ir", "-cert", idevid, "-key", idevidKey, "-trusted", fx.RootPem,
            "-newkey", NewKey(dir, "other.key"), "-subject", "/CN=rbs-7777.test", "-certout", "other.pem");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("signerNotTrusted", refused.Output);
        Assert.False(File.Exists(Path.Combine(dir, "other.pem")));
    }

    [Fact]
    public void Cmp_answers_a_truncated_message_with_a_signed_error_message_not_an_http_error()
    {
        var dir = fx.NewWorkDir("cmp-malformed");
        File.WriteAllBytes(Path.Combine(dir, "bad.der"), [0x30, 0x82, 0x01, 0x00, 0x30, 0x03]);

        Assert.Equal(200, Tools.Curl(dir, "answer.der", "-D", "headers.txt", "-H", "Content-Type: application/pkixcmp", "--data-binary", "@bad.der", Cmp));

        Assert.Contains("content-type: application/pkixcmp", File.ReadAllText(Path.Combine(dir, "headers.txt")).ToLowerInvariant());
        var dump = Tools.Ok(dir, "openssl", "asn1parse", "-inform", "DER", "-in", "answer.der");
        Assert.Contains("sha256WithRSAEncryption", dump); // signed by the CMP responder
        Assert.Contains("The request is not a DER PKIMessage", dump);
    }
}
