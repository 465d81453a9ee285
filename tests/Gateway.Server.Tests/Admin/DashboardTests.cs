using System.Net;
using System.Text;
using System.Text.Json;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests.Admin;

/// <summary>GET /api/v1/dashboard: the console's aggregates, counted by the store.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DashboardTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Dashboard_counts_issued_expiring_pending_and_rejected()
    {
        var name = "dash-" + NewId();
        var suffix = name + ".test";
        using var admin = gateway.Client();
        using (var put = await admin.PutAsync($"/api/v1/profiles/{name}", new StringContent($"""
            name: {name}
            protocols: [admin]
            authentication: [api-key]
            keys:
              ec: [P-256]
            san:
              dns:
                allow: ["*.{suffix}"]
              onDisallowed: refuse
              required: true
            validity:
              default: 5d
              max: 5d
            extensions:
              keyUsage: [digitalSignature]
              extendedKeyUsage: [serverAuth]
            """, Encoding.UTF8, "application/yaml")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var before = await admin.GetJsonAsync("/api/v1/dashboard");
        for (var i = 0; i < 3; i++)
        {
            var cn = $"d{i}.{suffix}";
            await admin.EnrollAsync(name, Csrs.P256(cn, cn), HttpStatusCode.Created);
        }
        var rejectedCn = "x." + NewId() + ".elsewhere.test";
        using (var refused = await admin.EnrollAsync(name, Csrs.P256(rejectedCn, rejectedCn)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var pending = await admin.EnrollAsync("test-manual", Csrs.P256($"m-{NewId()}.test", $"m-{NewId()}.test")))
        {
            Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        }

        var after = await admin.GetJsonAsync("/api/v1/dashboard");
        Assert.Equal("24h", after.GetProperty("range").GetString());
        Assert.Equal("hour", after.GetProperty("bucket").GetString());
        Assert.Equal(3, after.GetProperty("issuedByProfile").GetProperty(name).GetInt64());
        Assert.Equal(before.GetProperty("issuedTotal").GetInt64() + 3, after.GetProperty("issuedTotal").GetInt64());
        var buckets = after.GetProperty("issued").EnumerateArray().Where(b => b.GetProperty("profile").GetString() == name).ToList();
        var bucket = Assert.Single(buckets);
        Assert.Equal("admin", bucket.GetProperty("protocol").GetString());
        Assert.Equal(3, bucket.GetProperty("count").GetInt64());
        var start = bucket.GetProperty("start").GetDateTimeOffset();
        Assert.Equal(0, start.Minute);
        Assert.InRange(DateTimeOffset.UtcNow - start, TimeSpan.Zero, TimeSpan.FromHours(1.05));

        Assert.Equal(before.GetProperty("expiring").GetProperty("within7Days").GetInt64() + 3, after.GetProperty("expiring").GetProperty("within7Days").GetInt64());
        Assert.True(after.GetProperty("expiring").GetProperty("within30Days").GetInt64() >= after.GetProperty("expiring").GetProperty("within7Days").GetInt64());
        Assert.Equal(before.GetProperty("pendingApprovals").GetInt64() + 1, after.GetProperty("pendingApprovals").GetInt64());
        var rejection = after.GetProperty("recentRejections").EnumerateArray().First(r => r.GetProperty("profile").GetString() == name);
        Assert.Equal("bad-name", rejection.GetProperty("reason").GetString());
        Assert.Contains(rejectedCn, rejection.GetProperty("subject").GetString(), StringComparison.Ordinal);

        var daily = await admin.GetJsonAsync("/api/v1/dashboard?range=30d");
        Assert.Equal("day", daily.GetProperty("bucket").GetString());
        Assert.Equal(3, daily.GetProperty("issuedByProfile").GetProperty(name).GetInt64());
        var from = daily.GetProperty("from").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, from.UtcDateTime.TimeOfDay);
    }

    [Theory]
    [InlineData("?range=1y")]
    [InlineData("?bucket=minute")]
    [InlineData("?range=30d&bucket=hour")]
    public async Task Bad_parameters_are_400_problems(string query)
    {
        using var admin = gateway.Client();
        using var response = await admin.GetAsync("/api/v1/dashboard" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }
}
