using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Gateway.Admin.Authentication;
using Gateway.Server.Metrics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using Xunit.Abstractions;
using BcSerial = Org.BouncyCastle.Math.BigInteger;

namespace Gateway.Server.Tests;

/// <summary>
/// <c>GET /metrics</c> on the real host: Prometheus text that parses line by line, counters that move by exactly what
/// the test did, and the access rule. Meters are process-wide and OpenTelemetry tells them apart by name only, so these
/// tests have a gateway of their own and run alone, after the parallel collections (whose gateways are gone by then).
/// </summary>
[Collection(MetricsScrapeCollection.Name)]
public sealed class MetricsEndpointTests(GatewayFixture gateway, ITestOutputHelper output)
{
    private const string Enrollments = "gateway_enrollments_total";
    private const string OcspResponses = "gateway_ocsp_responses_total";

    private async Task<PrometheusText> ScrapeAsync(string? apiKey = null)
    {
        using var client = gateway.Client(apiKey);
        using var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        output.WriteLine(string.Join("\n", body.Split('\n').Where(l => l.StartsWith("gateway_", StringComparison.Ordinal))));
        return PrometheusText.Parse(body);
    }

    private static double Enrolled(PrometheusText text, string profile, string outcome) =>
        text.Sum(Enrollments, ("protocol", "admin"), ("profile", profile), ("outcome", outcome));

    private async Task<string> IssueAsync(HttpClient client, string cn)
    {
        var issued = await client.EnrollAsync("web-server", Csrs.P256(cn, cn), HttpStatusCode.Created);
        return issued.GetProperty("serial").GetString()!;
    }

    private async Task<HttpStatusCode> OcspAsync(HttpClient client, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await client.PostAsync("/ocsp", content);
        return response.StatusCode;
    }

    private static byte[] OcspRequest(X509Certificate issuer, string serialHex)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(new AlgorithmIdentifier(new DerObjectIdentifier("1.3.14.3.2.26"), DerNull.Instance), issuer, new BcSerial(serialHex, 16)));
        return generator.Generate().GetEncoded();
    }

    [Fact]
    public async Task GetMetrics_after_enrollments_and_ocsp_requests_counters_moved_by_what_was_done()
    {
        using var admin = gateway.Client();
        using var anonymous = gateway.Client(apiKey: null);
        var issuer = new X509CertificateParser().ReadCertificate(await anonymous.GetByteArrayAsync("/ca/default.crt"));
        var before = await ScrapeAsync();

        var id = AdminApi.NewId();
        var serial = await IssueAsync(admin, $"m1-{id}.test");
        await IssueAsync(admin, $"m2-{id}.test");
        // Refused by the profile: a name outside *.test.
        await admin.EnrollAsync("web-server", Csrs.P256($"m3-{id}.example.com", $"m3-{id}.example.com"), HttpStatusCode.Forbidden);
        await admin.EnrollAsync("test-manual", Csrs.P256($"m4-{id}.test", $"m4-{id}.test"), HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.OK, await OcspAsync(anonymous, OcspRequest(issuer, serial)));
        Assert.Equal(HttpStatusCode.OK, await OcspAsync(anonymous, OcspRequest(issuer, serial)));
        Assert.Equal(HttpStatusCode.OK, await OcspAsync(anonymous, OcspRequest(issuer, "7f" + id.PadLeft(12, '0'))));
        Assert.Equal(HttpStatusCode.OK, await OcspAsync(anonymous, [0x30, 0x03, 0x02, 0x01]));

        var after = await ScrapeAsync();
        output.WriteLine(string.Join("\n", after.TypeOf.Keys.Where(k => k.StartsWith("gateway_", StringComparison.Ordinal)).Select(k => $"{k} {after.TypeOf[k]}")));

        Assert.Equal("counter", after.TypeOf[Enrollments]);
        Assert.Equal(2, Enrolled(after, "web-server", "issued") - Enrolled(before, "web-server", "issued"));
        (string, string)[] issued = [("otel_scope_name", "Gateway.Enrollment"), ("protocol", "admin"), ("profile", "web-server"), ("outcome", "issued"), ("reason", "none")];
        Assert.Equal(2, after.Value(Enrollments, issued) - before.Value(Enrollments, issued));
        Assert.Equal(1, Enrolled(after, "web-server", "rejected") - Enrolled(before, "web-server", "rejected"));
        Assert.Equal(1, Enrolled(after, "test-manual", "pending") - Enrolled(before, "test-manual", "pending"));
        Assert.Equal(2, after.Sum(OcspResponses, ("status", "good")) - before.Sum(OcspResponses, ("status", "good")));
        Assert.Equal(1, after.Sum(OcspResponses, ("status", "unknown")) - before.Sum(OcspResponses, ("status", "unknown")));
        Assert.Equal(1, after.Sum(OcspResponses, ("status", "malformed")) - before.Sum(OcspResponses, ("status", "malformed")));

        // Every decision is timed; the two issuances too; each commit's batch size is recorded.
        Assert.Equal("histogram", after.TypeOf["gateway_enrollment_decision_duration_seconds"]);
        Assert.Equal(4, after.Sum("gateway_enrollment_decision_duration_seconds_count") - before.Sum("gateway_enrollment_decision_duration_seconds_count"));
        Assert.Equal(2, after.Sum("gateway_enrollment_issuance_duration_seconds_count") - before.Sum("gateway_enrollment_issuance_duration_seconds_count"));
        Assert.True(after.Sum("gateway_store_commit_batch_size_sum") - before.Sum("gateway_store_commit_batch_size_sum") >= 4);
        Assert.True(after.Sum("gateway_store_commit_duration_seconds_count", ("outcome", "committed")) > before.Sum("gateway_store_commit_duration_seconds_count", ("outcome", "committed")));
        Assert.Equal("gateway", after.Samples.Single(x => x.Name == "target_info").Labels["service_name"]);
        // ASP.NET Core's and the runtime's instruments are exported beside the gateway's.
        Assert.Contains("http_server_request_duration_seconds", after.TypeOf.Keys);
        Assert.Contains(after.TypeOf.Keys, k => k.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetMetrics_from_loopback_is_served_without_a_key_and_with_any_role()
    {
        await ScrapeAsync();
        await ScrapeAsync(GatewayFixture.AuditorKey);
        await ScrapeAsync(GatewayFixture.PolicyAdminKey);
    }

    private async Task<bool> AuthorizedAsync(string remoteAddress, params string[] roles)
    {
        var http = new DefaultHttpContext { RequestServices = gateway.App.Services };
        http.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
        if (roles.Length > 0)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r)), ApiKeyAuthenticationHandler.SchemeName));
        }
        var authorization = gateway.App.Services.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(http.User, http, MetricsAccess.PolicyName)).Succeeded;
    }

    [Fact]
    public async Task MetricsPolicy_remote_client_without_admin_or_auditor_key_is_refused()
    {
        Assert.False(await AuthorizedAsync("203.0.113.7"));
        Assert.False(await AuthorizedAsync("203.0.113.7", AdminRoles.PolicyAdmin));
        Assert.True(await AuthorizedAsync("203.0.113.7", AdminRoles.Auditor));
        Assert.True(await AuthorizedAsync("203.0.113.7", AdminRoles.Admin));
        Assert.True(await AuthorizedAsync("127.0.0.1"));
        Assert.True(await AuthorizedAsync("::1"));
    }
}
