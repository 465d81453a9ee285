using System.Net;
using System.Net.Http.Json;
using System.Text;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// Transaction semantics of the enrollment grain through the admin API: the same transaction id with the same request
/// is answered from the store, with another request it is refused (409), and a refusal that says "try again" is decided
/// afresh when the same request comes back.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TransactionTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Enroll_same_transaction_id_with_another_csr_is_409_and_leaves_the_enrollment_untouched()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var cn = $"tx-{txid}.test";
        var first = await client.EnrollAsync("iot-device", Csrs.P256(cn, cn), HttpStatusCode.Created, txid);
        var serial = first.GetProperty("serial").GetString()!;

        var other = $"tx-other-{txid}.test";
        var reused = await client.EnrollAsync("iot-device", Csrs.P256(other, other), HttpStatusCode.Conflict, txid);
        Assert.Equal("https://gateway.example/problems/transaction-id-in-use", reused.GetProperty("type").GetString());
        Assert.Equal("transaction-id-in-use", reused.GetProperty("reason").GetString());

        // Also when the grain has to find the enrollment in the store (no activation remembers it).
        await gateway.DeactivateIdleGrainsAsync();
        await client.EnrollAsync("iot-device", Csrs.P256(other, other), HttpStatusCode.Conflict, txid);

        // The enrollment is as it was: issued, one certificate, no certificate for the other request.
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment("admin:" + txid)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal(serial, explained.GetProperty("certificate").GetProperty("serial").GetString());
        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/certificates?subject={other}")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Enroll_same_transaction_id_with_the_same_csr_returns_the_same_certificate_signed_once()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var cn = $"same-{txid}.test";
        var csr = Csrs.P256(cn, cn);
        var serial = (await client.EnrollAsync("iot-device", csr, HttpStatusCode.Created, txid)).GetProperty("serial").GetString();

        var again = await client.EnrollAsync("iot-device", csr, HttpStatusCode.Created, txid);
        await gateway.DeactivateIdleGrainsAsync();
        var afterDeactivation = await client.EnrollAsync("iot-device", csr, HttpStatusCode.Created, txid);

        Assert.Equal(serial, again.GetProperty("serial").GetString());
        Assert.Equal(serial, afterDeactivation.GetProperty("serial").GetString());
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/certificates?subject={cn}")).GetProperty("total").GetInt64());
        var history = await client.GetJsonAsync($"/api/v1/certificates/{serial}/history");
        Assert.Equal(["enrollment_requested", "enrollment_approved", "enrollment_fulfilled", "certificate_issued"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList());
    }

    [Fact]
    public async Task Enroll_refused_for_a_full_quota_and_retried_identically_after_the_quota_frees_is_issued()
    {
        using var client = gateway.Client();
        var name = "t-" + NewId();
        await PutProfileAsync(client, name, quota: 1, HttpStatusCode.Created);
        var marker = NewId();
        await client.EnrollAsync(name, Csrs.P256($"q1-{marker}.test", $"q1-{marker}.test"), HttpStatusCode.Created);

        var txid = NewId();
        var csr = Csrs.P256($"q2-{marker}.test", $"q2-{marker}.test");
        var refused = await client.EnrollAsync(name, csr, (HttpStatusCode)429, txid);
        Assert.Equal("rate-limited", refused.GetProperty("reason").GetString());
        // Still full: the identical retry is decided again, and refused again.
        await client.EnrollAsync(name, csr, (HttpStatusCode)429, txid);

        // The quota frees (an administrator raises it); the identical retry is issued, under the same enrollment.
        await PutProfileAsync(client, name, quota: 2, HttpStatusCode.OK);
        await gateway.DeactivateIdleGrainsAsync();
        var issued = await client.EnrollAsync(name, csr, HttpStatusCode.Created, txid);
        Assert.Equal("admin:" + txid, issued.GetProperty("enrollmentId").GetString());
        var serial = issued.GetProperty("serial").GetString();
        Assert.Equal(serial, (await client.EnrollAsync(name, csr, HttpStatusCode.Created, txid)).GetProperty("serial").GetString());

        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment("admin:" + txid)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        var history = await client.GetJsonAsync($"/api/v1/certificates/{serial}/history");
        Assert.Equal(["enrollment_requested", "enrollment_rejected", "enrollment_rejected", "enrollment_approved", "enrollment_fulfilled", "certificate_issued"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList());
        // Each decision carries the audit entry of the request it answered: refused twice (429), then issued (201).
        Assert.Equal([429, 429, 201], history.EnumerateArray()
            .Where(e => e.GetProperty("details").TryGetProperty("audit", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Object)
            .Select(e => e.GetProperty("details").GetProperty("audit").GetProperty("status").GetInt32()).ToList());
    }

    [Fact]
    public async Task Enroll_final_refusal_retried_identically_is_the_stored_refusal()
    {
        using var client = gateway.Client();
        var txid = NewId();
        // iot-device refuses a name outside its allowed patterns: a final refusal.
        var csr = Csrs.P256("x.not-allowed.invalid", "x.not-allowed.invalid");
        using var first = await client.EnrollAsync("iot-device", csr, txid);
        Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
        await gateway.DeactivateIdleGrainsAsync();
        using var again = await client.EnrollAsync("iot-device", csr, txid);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);

        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment("admin:" + txid)}");
        Assert.Equal("rejected", explained.GetProperty("status").GetString());
    }

    private static async Task PutProfileAsync(HttpClient client, string name, int quota, HttpStatusCode expected)
    {
        var yaml = $"""
            name: {name}
            description: per-requester quota for the transaction tests
            protocols: [admin]
            authentication: [api-key]
            keys:
              ec: [P-256]
            san:
              dns:
                allow: ["*.test"]
              onDisallowed: refuse
            validity: {"{"}default: 30d, max: 30d{"}"}
            extensions:
              keyUsage: [digitalSignature]
              extendedKeyUsage: [clientAuth]
            quotas:
              perRequester: {"{"}count: {quota}, window: 1d{"}"}

            """;
        using var response = await client.PutAsync($"/api/v1/profiles/{name}", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"PUT profile: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
    }
}
