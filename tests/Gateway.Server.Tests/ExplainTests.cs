using System.Net;
using System.Security.Cryptography.X509Certificates;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>GET /api/v1/enrollments and /api/v1/enrollments/{id}: rejected requests as searchable and explained as issued ones.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExplainTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Rejected_request_is_listed_and_explained_with_every_fired_rule()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var name = $"www-{txid}.example.com";
        var csr = Csrs.P256(name, name);
        var problem = await client.EnrollAsync("web-server", csr, HttpStatusCode.Forbidden, txid);
        var id = problem.GetProperty("enrollmentId").GetString()!;

        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var list = await auditor.GetJsonAsync("/api/v1/enrollments?status=rejected&profile=web-server&protocol=admin&requester=api-key:bootstrap&pageSize=500");
        var summary = list.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        Assert.Equal("rejected", summary.GetProperty("status").GetString());
        Assert.Equal("bad-name", summary.GetProperty("reason").GetString());
        Assert.Equal("/api/v1/enrollments/" + Segment(id), summary.GetProperty("href").GetString());

        var explained = await auditor.GetJsonAsync(summary.GetProperty("href").GetString()!);
        Assert.Equal(id, explained.GetProperty("id").GetString());
        var request = explained.GetProperty("request");
        Assert.Equal("admin", request.GetProperty("protocol").GetString());
        Assert.Equal("web-server", request.GetProperty("profile").GetString());
        Assert.Equal("api-key:bootstrap", request.GetProperty("requester").GetString());
        Assert.Equal(txid, request.GetProperty("transactionId").GetString());
        Assert.Contains(name, request.GetProperty("subject").GetString());
        Assert.Contains("DNS:" + name, request.GetProperty("subjectAltNames").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("EC P-256", request.GetProperty("key").GetString());
        Assert.Equal(csr.Trim().ReplaceLineEndings("\n"), request.GetProperty("csr").GetString()!.Trim());

        var decision = explained.GetProperty("decision");
        Assert.Equal("deny", decision.GetProperty("effect").GetString());
        Assert.Equal("policy", decision.GetProperty("decidedBy").GetString());
        Assert.Equal("1", decision.GetProperty("profileVersion").GetString());
        Assert.Equal("bad-name", decision.GetProperty("reason").GetString());
        var rules = decision.GetProperty("firedRules");
        // Every rule that was checked, allowed ones too, with the refusing one named.
        Rule(rules, "protocols", "allow");
        Rule(rules, "authentication", "allow");
        var deciding = decision.GetProperty("decidingRule").GetString()!;
        Assert.StartsWith("san.dns", deciding);
        Assert.Contains(name, Rule(rules, deciding, "deny").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKindNull, explained.GetProperty("certificate").ValueKind);
        Assert.False(explained.GetProperty("approval").GetProperty("required").GetBoolean());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Issued_request_is_explained_with_its_certificate()
    {
        using var client = gateway.Client();
        var name = $"ok-{NewId()}.test";
        var issued = await client.EnrollAsync("web-server", Csrs.P256(name, name), HttpStatusCode.Created);
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(issued.GetProperty("enrollmentId").GetString()!)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal("allow", explained.GetProperty("decision").GetProperty("effect").GetString());
        Rule(explained.GetProperty("decision").GetProperty("firedRules"), "approval", "allow");
        var certificate = explained.GetProperty("certificate");
        Assert.Equal(issued.GetProperty("serial").GetString(), certificate.GetProperty("serial").GetString());
        Assert.Equal("valid", certificate.GetProperty("status").GetString());
        // Both sides without leading zeros: the DER INTEGER may carry a 00 sign byte, and 1 serial in 16 starts with a 0 nibble.
        Assert.Equal(issued.GetProperty("serial").GetString()!.TrimStart('0'),
            X509Certificate2.CreateFromPem(certificate.GetProperty("certificate").GetString()).SerialNumber.ToLowerInvariant().TrimStart('0'));
    }

    [Fact]
    public async Task List_filters_by_time_range_and_pages_newest_first()
    {
        using var client = gateway.Client();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var marker = NewId();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"t{i}-{marker}.test";
            ids.Add((await client.EnrollAsync("iot-device", Csrs.P256(name, name), HttpStatusCode.Created)).GetProperty("enrollmentId").GetString()!);
        }
        var from = Uri.EscapeDataString(before.ToString("O"));
        var page1 = await client.GetJsonAsync($"/api/v1/enrollments?profile=iot-device&san={marker}&from={from}&pageSize=2");
        Assert.Equal(3, page1.GetProperty("total").GetInt64());
        Assert.Equal([ids[2], ids[1]], page1.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var page2 = await client.GetJsonAsync($"/api/v1/enrollments?profile=iot-device&san={marker}&from={from}&pageSize=2&page=2");
        Assert.Equal([ids[0]], page2.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var to = Uri.EscapeDataString(before.ToString("O"));
        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/enrollments?san={marker}&to={to}")).GetProperty("total").GetInt64());
        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/enrollments?san={marker}&protocol=est")).GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("status=done")]
    [InlineData("status=7")]
    [InlineData("protocol=smtp")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("page=0")]
    [InlineData("pageSize=501")]
    public async Task List_with_bad_parameters_is_400_problem(string query)
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync("/api/v1/enrollments?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_enrollment_is_404_and_reading_needs_a_key()
    {
        using var client = gateway.Client();
        using var unknown = await client.GetAsync($"/api/v1/enrollments/est:{NewId()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = gateway.Client(apiKey: null);
        using var list = await anonymous.GetAsync("/api/v1/enrollments");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }
}
