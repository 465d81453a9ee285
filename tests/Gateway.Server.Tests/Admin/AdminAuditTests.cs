using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.Server.Tests.Admin;

/// <summary>Every admin action is an audit event (who, what, on what, when, from where), readable at <c>GET /api/v1/audit</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminAuditTests(GatewayFixture gateway)
{
    private static string Profile(string name) => $"""
        name: {name}
        description: audit test profile
        protocols: [admin]
        authentication: [api-key]
        keys:
          ec: [P-256]
        san:
          dns:
            allow: ["*.audit.test"]
          maxCount: 5
          onDisallowed: refuse
          required: true
        validity:
          default: 30d
          max: 30d
        extensions:
          keyUsage: [digitalSignature]
          extendedKeyUsage: [serverAuth]
        approval: automatic

        """;

    private static async Task<HttpResponseMessage> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    [Fact]
    public async Task EveryAdminAction_recordedWithActorActionTargetTimeAndClientAddress()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var admin = gateway.Client();
        using var policyAdmin = gateway.Client(GatewayFixture.PolicyAdminKey);
        var name = "audit-" + Guid.NewGuid().ToString("N")[..10];

        // profile.put (twice, by two keys), profile.rollback, profile.reload
        await Expect(await admin.PutAsync($"/api/v1/profiles/{name}", new StringContent(Profile(name), Encoding.UTF8, "application/yaml")), HttpStatusCode.Created);
        await Expect(await policyAdmin.PutAsync($"/api/v1/profiles/{name}",
            new StringContent(Profile(name).Replace("audit test profile", "changed", StringComparison.Ordinal), Encoding.UTF8, "application/yaml")), HttpStatusCode.OK);
        await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/rollback", new { version = 1 }), HttpStatusCode.OK);
        await Expect(await admin.PostAsync("/api/v1/profiles/reload", null), HttpStatusCode.OK);

        // enrollment.create (issued), certificate.revoke, certificate.release
        var issued = await admin.EnrollAsync(name, Csrs.P256("a.audit.test", "a.audit.test"), HttpStatusCode.Created);
        var serial = issued.GetProperty("serial").GetString()!;
        var issuedId = issued.GetProperty("enrollmentId").GetString()!;
        await Expect(await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "superseded" }), HttpStatusCode.OK);
        await Expect(await admin.PostAsync($"/api/v1/certificates/{serial}/release", null), HttpStatusCode.Conflict);

        // enrollment.create (pending), enrollment.approve, enrollment.deny
        var approveId = (await admin.EnrollAsync("test-manual", Csrs.P256("audit-approve.example.test", "audit-approve.example.test"), HttpStatusCode.Accepted))
            .GetProperty("enrollmentId").GetString()!;
        await Expect(await admin.PostAsync($"/api/v1/enrollments/{AdminApi.Segment(approveId)}/approve", null), HttpStatusCode.OK);
        var denyId = (await admin.EnrollAsync("test-manual", Csrs.P256("audit-deny.example.test", "audit-deny.example.test"), HttpStatusCode.Accepted))
            .GetProperty("enrollmentId").GetString()!;
        await Expect(await admin.PostAsJsonAsync($"/api/v1/enrollments/{AdminApi.Segment(denyId)}/deny", new { reason = "not ours" }), HttpStatusCode.OK);

        // credential.create, credential.revoke
        var credential = JsonDocument.Parse(await (await Expect(await admin.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device" }), HttpStatusCode.Created))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await Expect(await admin.DeleteAsync($"/api/v1/credentials/{credential}"), HttpStatusCode.OK);
        var end = DateTimeOffset.UtcNow.AddSeconds(1);

        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var log = await auditor.GetJsonAsync($"/api/v1/audit?from={Uri.EscapeDataString(start.ToString("O"))}&pageSize=500");
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        (string Actor, string Action, string Target, int Status)[] expected =
        [
            ("api-key:bootstrap", "profile.put", "profile:" + name, 201),
            ("api-key:policy-admin-1", "profile.put", "profile:" + name, 200),
            ("api-key:bootstrap", "profile.rollback", "profile:" + name, 200),
            ("api-key:bootstrap", "profile.reload", "/api/v1/profiles/reload", 200),
            ("api-key:bootstrap", "enrollment.create", issuedId, 201),
            ("api-key:bootstrap", "certificate.revoke", "certificate:" + serial, 200),
            ("api-key:bootstrap", "certificate.release", "certificate:" + serial, 409),
            ("api-key:bootstrap", "enrollment.create", approveId, 202),
            ("api-key:bootstrap", "enrollment.approve", approveId, 200),
            ("api-key:bootstrap", "enrollment.create", denyId, 202),
            ("api-key:bootstrap", "enrollment.deny", denyId, 200),
            ("api-key:bootstrap", "credential.create", "credential:" + credential, 201),
            ("api-key:bootstrap", "credential.revoke", "credential:" + credential, 200),
        ];
        foreach (var (actor, action, target, status) in expected)
        {
            var match = entries.Where(e => e.GetProperty("actor").GetString() == actor && e.GetProperty("action").GetString() == action
                && e.GetProperty("target").GetString() == target && e.GetProperty("status").GetInt32() == status).ToList();
            Assert.True(match.Count >= 1, $"no audit entry {actor} {action} {target} {status} in {log}");
            // An enrollment once: its entry is committed with its decision, and the filter adds no second one.
            if (action == "enrollment.create") Assert.Single(match);
            var entry = match[0];
            Assert.Equal("127.0.0.1", entry.GetProperty("clientAddress").GetString());
            Assert.InRange(entry.GetProperty("time").GetDateTimeOffset(), start, end);
        }
    }

    [Fact]
    public async Task Enrollments_are_audited_once_whether_decided_refused_before_the_pipeline_or_replayed()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var admin = gateway.Client();
        var cn = $"a-{Guid.NewGuid():N}.test"[..20] + ".test";
        var txid = "audit-" + Guid.NewGuid().ToString("N")[..12];
        var csr = Csrs.P256(cn, cn);
        // Decided (its entry committed with the decision), then the identical repeat (replayed: the filter records it),
        // a refusal by policy (committed with the rejection) and a request refused before the pipeline (filter).
        await Expect(await admin.EnrollAsync("web-server", csr, txid), HttpStatusCode.Created);
        await Expect(await admin.EnrollAsync("web-server", csr, txid), HttpStatusCode.Created);
        var refusedTx = "audit-" + Guid.NewGuid().ToString("N")[..12];
        await Expect(await admin.EnrollAsync("web-server", Csrs.P256("x.example.org", "x.example.org"), refusedTx), HttpStatusCode.Forbidden);
        await Expect(await admin.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = "not a csr" }), HttpStatusCode.BadRequest);

        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var log = await auditor.GetJsonAsync($"/api/v1/audit?from={Uri.EscapeDataString(start.ToString("O"))}&action=enrollment.create&pageSize=500");
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count(e => e.GetProperty("target").GetString() == "admin:" + txid && e.GetProperty("status").GetInt32() == 201));
        var refused = Assert.Single(entries, e => e.GetProperty("target").GetString() == "admin:" + refusedTx);
        Assert.Equal(403, refused.GetProperty("status").GetInt32());
        Assert.Equal("bad-name", refused.GetProperty("detail").GetString());
        Assert.Contains(entries, e => e.GetProperty("status").GetInt32() == 400 && e.GetProperty("detail").GetString() == "bad-request");
        Assert.All(entries, e => Assert.Equal("127.0.0.1", e.GetProperty("clientAddress").GetString()));
    }

    [Fact]
    public async Task List_filteredByActionAndActor_onlyMatchingEntries()
    {
        using var admin = gateway.Client();
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Expect(await admin.DeleteAsync("/api/v1/credentials/" + new string('z', 16)), HttpStatusCode.NotFound);

        var log = await admin.GetJsonAsync($"/api/v1/audit?action=credential.revoke&actor=api-key:bootstrap&from={Uri.EscapeDataString(start.ToString("O"))}");
        var items = log.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, e =>
        {
            Assert.Equal("credential.revoke", e.GetProperty("action").GetString());
            Assert.Equal("api-key:bootstrap", e.GetProperty("actor").GetString());
        });
        Assert.Contains(items, e => e.GetProperty("target").GetString() == "credential:" + new string('z', 16) && e.GetProperty("status").GetInt32() == 404);
    }

    [Theory]
    [InlineData("from=yesterday")]
    [InlineData("pageSize=0")]
    [InlineData("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z")]
    public async Task List_badQuery_400Problem(string query)
    {
        using var admin = gateway.Client();
        using var response = await admin.GetAsync("/api/v1/audit?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
