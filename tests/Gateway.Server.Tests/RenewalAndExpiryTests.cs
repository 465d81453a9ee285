using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// Renewals (as a front-end hands them to the enrollment grain: RenewalOf set, the requester authenticated with the
/// certificate being renewed) with their facts and links; the expiry job; the expiring-within list.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RenewalAndExpiryTests(GatewayFixture gateway)
{
    private async Task<(string Serial, string Subject, ECDsa Key, string Cn)> IssueAsync(string profile)
    {
        using var client = gateway.Client();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = $"dev-{NewId()}.test";
        var serial = (await client.EnrollAsync(profile, Csr(key, cn), HttpStatusCode.Created)).GetProperty("serial").GetString()!;
        var subject = (await client.GetJsonAsync($"/api/v1/certificates/{serial}")).GetProperty("subject").GetString()!;
        return (serial, subject, key, cn);
    }

    /// <summary>A re-enrollment as EST simplereenroll hands it over: client-certificate requester = the renewed certificate's subject.</summary>
    private Task<EnrollmentOutcome> RenewAsync(string profile, string renewalOf, string subject, ECDsa key, string cn) =>
        gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, NewId()))
            .EnrollAsync(new EnrollmentRequest(EnrollmentProtocol.Est, profile, new Requester(AuthenticationMethods.ClientCertificate, subject),
                NewId(), CsrDer(key, cn), RenewalOf: renewalOf));

    private async Task<JsonElement> ExplainAsync(string enrollmentId)
    {
        using var client = gateway.Client();
        return await client.GetJsonAsync($"/api/v1/enrollments/{Segment(enrollmentId)}");
    }

    [Fact]
    public async Task Renewal_links_old_and_new_certificate_in_both_records_and_histories()
    {
        var (old, subject, oldKey, cn) = await IssueAsync("test-renewal");
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = Assert.IsType<IssuedOutcome>(await RenewAsync("test-renewal", old, subject, newKey, cn));
        oldKey.Dispose();

        using var client = gateway.Client();
        var oldRecord = await client.GetJsonAsync($"/api/v1/certificates/{old}");
        var newRecord = await client.GetJsonAsync($"/api/v1/certificates/{issued.Serial}");
        Assert.Equal(issued.Serial, oldRecord.GetProperty("supersededBy").GetString());
        Assert.Equal("valid", oldRecord.GetProperty("status").GetString());
        Assert.Equal(old, newRecord.GetProperty("renewalOf").GetString());
        var oldHistory = await client.GetJsonAsync($"/api/v1/certificates/{old}/history");
        var superseded = oldHistory.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "certificate_superseded");
        Assert.Equal(issued.Serial, superseded.GetProperty("details").GetProperty("supersededBy").GetString());
        var newHistory = await client.GetJsonAsync($"/api/v1/certificates/{issued.Serial}/history");
        var renewed = newHistory.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "certificate_renewed");
        Assert.Equal(old, renewed.GetProperty("details").GetProperty("renewalOf").GetString());

        // The renewal rules ran with the store's facts.
        var explained = await ExplainAsync(issued.EnrollmentId);
        Assert.Equal(old, explained.GetProperty("request").GetProperty("renewalOf").GetString());
        var rules = explained.GetProperty("decision").GetProperty("firedRules");
        Rule(rules, "renewal.window", "allow");
        Rule(rules, "renewal.requireNewKey", "allow");
        Rule(rules, "renewal.allowReenrollWithCurrentCert", "allow");
        Assert.Equal(old, explained.GetProperty("certificate").GetProperty("renewalOf").GetString());
    }

    [Fact]
    public async Task Renewal_asking_for_another_device_names_is_refused_and_the_same_names_pass()
    {
        var (old, subject, oldKey, cn) = await IssueAsync("test-renewal");
        oldKey.Dispose();
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // The holder of one device's certificate asks to renew it into another device's name: refused, nothing issued.
        var other = $"dev-{NewId()}.test";
        var refused = Assert.IsType<RejectedOutcome>(await RenewAsync("test-renewal", old, subject, newKey, other));
        Assert.Equal(RejectionReason.BadCertTemplate, refused.Reason);
        Assert.Contains(refused.FiredRules, r => r is { Rule: "renewal.keepNames", Effect: DecisionEffect.Deny });

        var kept = Assert.IsType<IssuedOutcome>(await RenewAsync("test-renewal", old, subject, newKey, cn));
        var explained = await ExplainAsync(kept.EnrollmentId);
        Rule(explained.GetProperty("decision").GetProperty("firedRules"), "renewal.keepNames", "allow");
    }

    [Fact]
    public async Task Renewal_with_the_same_key_is_refused_when_the_profile_requires_a_new_key()
    {
        var (old, subject, key, cn) = await IssueAsync("test-renewal");
        using (key)
        {
            var rejected = Assert.IsType<RejectedOutcome>(await RenewAsync("test-renewal", old, subject, key, cn));
            Assert.Equal(RejectionReason.BadKey, rejected.Reason);
            Assert.Contains(rejected.FiredRules, r => r is { Rule: "renewal.requireNewKey", Effect: DecisionEffect.Deny });
        }
        using var client = gateway.Client();
        Assert.Equal(JsonValueKind.Null, (await client.GetJsonAsync($"/api/v1/certificates/{old}")).GetProperty("supersededBy").ValueKind);
    }

    [Fact]
    public async Task Renewal_before_the_window_opens_is_refused_by_the_window_rule()
    {
        var (old, subject, key, cn) = await IssueAsync("test-renewal-early");
        key.Dispose();
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rejected = Assert.IsType<RejectedOutcome>(await RenewAsync("test-renewal-early", old, subject, newKey, cn));
        Assert.Equal(RejectionReason.PolicyDenied, rejected.Reason);
        var explained = await ExplainAsync(rejected.EnrollmentId);
        Assert.Equal("renewal.window", explained.GetProperty("decision").GetProperty("decidingRule").GetString());
    }

    [Fact]
    public async Task Renewal_of_an_unknown_or_revoked_certificate_is_refused_as_bad_renewal()
    {
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var unknown = Assert.IsType<RejectedOutcome>(await RenewAsync("test-renewal", "0badc0ffee", "CN=x.test", newKey, "x.test"));
        Assert.Equal(RejectionReason.BadRenewal, unknown.Reason);

        var (old, subject, key, cn) = await IssueAsync("test-renewal");
        key.Dispose();
        using var client = gateway.Client();
        using (var revoke = await client.PostAsJsonAsync($"/api/v1/certificates/{old}/revoke", new { reason = "keyCompromise" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        var revoked = Assert.IsType<RejectedOutcome>(await RenewAsync("test-renewal", old, subject, newKey, cn));
        Assert.Equal(RejectionReason.BadRenewal, revoked.Reason);
        Assert.Equal("renewal.certificate", Assert.Single(revoked.FiredRules).Rule);
        var explained = await ExplainAsync(revoked.EnrollmentId);
        Assert.Equal("gateway", explained.GetProperty("decision").GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Expiry_job_marks_expired_certificates_once()
    {
        // test-short-lived issues two-second certificates.
        var (serial, _, key, _) = await IssueAsync("test-short-lived");
        key.Dispose();
        using var client = gateway.Client();
        var notAfter = (await client.GetJsonAsync($"/api/v1/certificates/{serial}")).GetProperty("notAfter").GetDateTimeOffset();
        var wait = notAfter - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        var expiry = gateway.Grains().GetGrain<ICertificateExpiryGrain>(0);
        var first = await expiry.SweepAsync(TimeSpan.Zero);
        Assert.False(first.Skipped);
        var record = await client.GetJsonAsync($"/api/v1/certificates/{serial}");
        Assert.Equal("expired", record.GetProperty("status").GetString());

        // A second sweep marks nothing again; a sweep right after another is skipped when asked to keep an interval.
        var second = await expiry.SweepAsync(TimeSpan.Zero);
        Assert.Equal(0, second.Marked);
        Assert.True((await expiry.SweepAsync(TimeSpan.FromHours(1))).Skipped);
        var history = await client.GetJsonAsync($"/api/v1/certificates/{serial}/history");
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "certificate_expired");
        var expired = await client.GetJsonAsync($"/api/v1/certificates?status=expired&profile=test-short-lived");
        Assert.Contains(serial, expired.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("serial").GetString()));
    }

    [Fact]
    public async Task Expiring_within_days_lists_valid_certificates_soonest_first()
    {
        // test-renewal: ten-day certificates; web-server: ninety days.
        var (tenDays, _, k1, _) = await IssueAsync("test-renewal");
        var (later, _, k2, _) = await IssueAsync("test-renewal");
        k1.Dispose();
        k2.Dispose();
        using var client = gateway.Client();
        var name = $"long-{NewId()}.test";
        var ninetyDays = (await client.EnrollAsync("web-server", Csrs.P256(name, name), HttpStatusCode.Created)).GetProperty("serial").GetString();

        var within11 = await client.GetJsonAsync("/api/v1/certificates?expiringWithinDays=11&pageSize=500");
        var serials = within11.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("serial").GetString()).ToList();
        Assert.Contains(tenDays, serials);
        Assert.Contains(later, serials);
        Assert.DoesNotContain(ninetyDays, serials);
        var notAfters = within11.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("notAfter").GetDateTimeOffset()).ToList();
        Assert.Equal(notAfters.Order(), notAfters);
        Assert.All(within11.GetProperty("items").EnumerateArray(), e => Assert.Equal("valid", e.GetProperty("status").GetString()));

        var within9 = await client.GetJsonAsync("/api/v1/certificates?expiringWithinDays=9&profile=test-renewal&pageSize=500");
        Assert.DoesNotContain(tenDays, within9.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("serial").GetString()));
        var within91 = await client.GetJsonAsync($"/api/v1/certificates?expiringWithinDays=91&san={name}");
        Assert.Equal(1, within91.GetProperty("total").GetInt64());

        // A revoked certificate is not "expiring".
        using (var revoke = await client.PostAsJsonAsync($"/api/v1/certificates/{later}/revoke", new { reason = "superseded" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        var afterRevoke = await client.GetJsonAsync("/api/v1/certificates?expiringWithinDays=11&profile=test-renewal&pageSize=500");
        Assert.DoesNotContain(later, afterRevoke.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("serial").GetString()));
    }

    [Theory]
    [InlineData("expiringWithinDays=-1")]
    [InlineData("expiringWithinDays=abc")]
    [InlineData("expiringWithinDays=1.5")]
    [InlineData("expiringWithinDays=99999999")]
    [InlineData("expiringWithinDays=5&status=revoked")]
    public async Task Expiring_within_days_with_bad_values_is_400_problem(string query)
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync("/api/v1/certificates?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
