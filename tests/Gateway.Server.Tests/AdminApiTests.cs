using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Gateway.Server.Tests;

[Collection(GatewayCollection.Name)]
public sealed class AdminApiTests(GatewayFixture gateway)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> EnrollAsync(string profile, string csr, string? transactionId = null)
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr, transactionId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Enroll_p256_csr_for_test_name_issues_certificate_that_chains_to_root()
    {
        var issued = await EnrollAsync("web-server", Csrs.P256("x.example.test", "x.example.test"));
        var serial = issued.GetProperty("serial").GetString()!;
        Assert.Matches("^[0-9a-f]+$", serial);
        var cert = X509Certificate2.CreateFromPem(issued.GetProperty("certificate").GetString());
        Assert.Equal(serial, cert.SerialNumber.ToLowerInvariant());
        Assert.Contains("x.example.test", cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());

        using var http = gateway.Client(apiKey: null);
        var root = X509Certificate2.CreateFromPem(await http.GetStringAsync("/ca/root.pem"));
        var chainPem = new X509Certificate2Collection();
        chainPem.ImportFromPem(await http.GetStringAsync("/ca/chain.pem"));
        Assert.Equal(2, chainPem.Count);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(chainPem);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(cert), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public async Task Get_certificate_and_history_after_enroll_show_record_and_events()
    {
        var issued = await EnrollAsync("web-server", Csrs.P256("hist.example.test", "hist.example.test"));
        var serial = issued.GetProperty("serial").GetString()!;
        using var client = gateway.Client(GatewayFixture.AuditorKey);

        var record = await Json(await client.GetAsync($"/api/v1/certificates/{serial.ToUpperInvariant()}"));
        Assert.Equal(serial, record.GetProperty("serial").GetString());
        Assert.Equal("valid", record.GetProperty("status").GetString());
        Assert.Equal("web-server", record.GetProperty("profile").GetString());
        Assert.Equal("admin", record.GetProperty("protocol").GetString());
        Assert.Equal("api-key:bootstrap", record.GetProperty("requester").GetString());
        Assert.Matches("^[0-9a-f]{64}$", record.GetProperty("sha256Fingerprint").GetString());

        var history = await Json(await client.GetAsync($"/api/v1/certificates/{serial}/history"));
        var types = history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        // The audit entry of the admin action rides on the decision it records, committed with the enrollment: one
        // commit, and no row of its own.
        Assert.Equal(["enrollment_requested", "enrollment_approved", "enrollment_fulfilled", "certificate_issued"], types);
        var approved = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_approved");
        Assert.True(approved.GetProperty("details").GetProperty("rules").GetArrayLength() > 0);
        var audit = approved.GetProperty("details").GetProperty("audit");
        Assert.Equal("api-key:bootstrap", audit.GetProperty("actor").GetString());
        Assert.Equal(201, audit.GetProperty("status").GetInt32());
        Assert.Equal("enrollment.create", audit.GetProperty("action").GetString());
        // And the audit log reads it there, with the enrollment as its target.
        var log = await Json(await client.GetAsync("/api/v1/audit?action=enrollment.create&pageSize=500"));
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("target").GetString() == issued.GetProperty("enrollmentId").GetString());
        Assert.Equal(201, entry.GetProperty("status").GetInt32());
        Assert.Equal("api-key:bootstrap", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Enroll_same_transaction_id_twice_returns_same_certificate()
    {
        var txid = Guid.NewGuid().ToString();
        var csr = Csrs.P256("idem.example.test", "idem.example.test");
        var first = await EnrollAsync("web-server", csr, txid);
        var second = await EnrollAsync("web-server", csr, txid);
        Assert.Equal(first.GetProperty("serial").GetString(), second.GetProperty("serial").GetString());
    }

    [Fact]
    public async Task List_certificates_filters_by_san_and_profile()
    {
        var marker = "list" + Guid.NewGuid().ToString("N")[..8];
        var issued = await EnrollAsync("web-server", Csrs.P256($"{marker}.example.test", $"{marker}.example.test"));
        using var client = gateway.Client(GatewayFixture.AuditorKey);
        var list = await Json(await client.GetAsync($"/api/v1/certificates?san={marker.ToUpperInvariant()}&profile=web-server&status=valid"));
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        Assert.Equal(issued.GetProperty("serial").GetString(), list.GetProperty("items")[0].GetProperty("serial").GetString());
        var none = await Json(await client.GetAsync($"/api/v1/certificates?san={marker}&profile=iot-device"));
        Assert.Equal(0, none.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Revoke_marks_certificate_revoked_and_is_idempotent()
    {
        var issued = await EnrollAsync("web-server", Csrs.P256("rev.example.test", "rev.example.test"));
        var serial = issued.GetProperty("serial").GetString()!;
        using var client = gateway.Client();
        var first = await client.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("revoked", (await Json(first)).GetProperty("status").GetString());
        var second = await client.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "superseded" });
        var secondBody = await Json(second);
        Assert.Equal("already-revoked", secondBody.GetProperty("status").GetString());
        Assert.Equal("keyCompromise", secondBody.GetProperty("reason").GetString());
        var record = await Json(await client.GetAsync($"/api/v1/certificates/{serial}"));
        Assert.Equal("revoked", record.GetProperty("status").GetString());
        Assert.Equal("keyCompromise", record.GetProperty("revocationReason").GetString());
        var history = await Json(await client.GetAsync($"/api/v1/certificates/{serial}/history"));
        Assert.Equal(1, history.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "certificate_revoked"));
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    [InlineData("")]
    public async Task Enroll_with_garbage_csr_is_400_problem(string csr)
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Enroll_with_non_json_body_is_400()
    {
        using var client = gateway.Client();
        var response = await client.PostAsync("/api/v1/enrollments", new StringContent("{{{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Enroll_without_key_is_401_and_with_wrong_key_is_401()
    {
        using var anonymous = gateway.Client(apiKey: null);
        var none = await anonymous.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = Csrs.P256("a.test") });
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        using var wrong = gateway.Client("wrong-key");
        var bad = await wrong.GetAsync("/api/v1/certificates");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task Enroll_as_auditor_is_403()
    {
        using var client = gateway.Client(GatewayFixture.AuditorKey);
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = Csrs.P256("a.test", "a.test") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Enroll_unknown_profile_is_404_problem()
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "no-such-profile", csr = Csrs.P256("a.test", "a.test") });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Enroll_name_outside_policy_is_403_with_fired_rules()
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = Csrs.P256("www.example.com", "www.example.com") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await Json(response);
        Assert.True(problem.GetProperty("firedRules").GetArrayLength() > 0);
        Assert.Equal("bad-name", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Enroll_rsa1024_is_403_bad_key()
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = Csrs.Rsa(1024, "weak.test", "weak.test") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("bad-key", (await Json(response)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Unknown_serial_is_404_and_bad_serial_is_400()
    {
        using var client = gateway.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/certificates/abcdef0123")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/certificates/not-hex")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/v1/certificates/abcdef0123/revoke", new { reason = "keyCompromise" })).StatusCode);
    }

    [Fact]
    public async Task Revoke_with_unknown_reason_is_400()
    {
        var issued = await EnrollAsync("web-server", Csrs.P256("reason.example.test", "reason.example.test"));
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync($"/api/v1/certificates/{issued.GetProperty("serial").GetString()}/revoke", new { reason = "because" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Health_ready_and_live_are_200_and_openapi_is_served()
    {
        using var client = gateway.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var openapi = await Json(await client.GetAsync("/openapi/v1.json"));
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/v1/enrollments", out _));
    }

    [Fact]
    public async Task Https_endpoint_serves_certificate_from_gateway_ca()
    {
        using var http = gateway.Client(apiKey: null);
        var root = X509Certificate2.CreateFromPem(await http.GetStringAsync("/ca/root.pem"));
        var intermediates = new X509Certificate2Collection();
        intermediates.ImportFromPem(await http.GetStringAsync("/ca/chain.pem"));
        X509Certificate2? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, chain, _) =>
            {
                seen = cert is null ? null : new X509Certificate2(cert);
                chain!.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.ExtraStore.AddRange(intermediates);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert!);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = gateway.HttpsAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.NotNull(seen);
        Assert.Contains("127.0.0.1", seen!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Select(i => i.ToString()));
    }

    [Fact]
    public async Task Cluster_lists_this_single_active_silo_to_readers_only()
    {
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var response = await auditor.GetAsync("/api/v1/cluster");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await Json(response);
        Assert.Equal(1, view.GetProperty("active").GetInt32());
        var silo = Assert.Single(view.GetProperty("silos").EnumerateArray());
        Assert.Equal("127.0.0.1", silo.GetProperty("address").GetString());
        Assert.Equal("active", silo.GetProperty("status").GetString());
        Assert.True(silo.GetProperty("generation").GetInt32() > 0);

        using var anonymous = gateway.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/cluster")).StatusCode);
    }
}
