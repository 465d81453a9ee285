using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>Manual approval: Pending, approve/deny through the admin API, the requester's repeat, idempotency and conflicts.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ApprovalTests(GatewayFixture gateway)
{
    private async Task<string> PendingAsync(string profile = "test-manual", string? transactionId = null, string? cn = null)
    {
        using var client = gateway.Client();
        cn ??= $"m-{NewId()}.test";
        var pending = await client.EnrollAsync(profile, Csrs.P256(cn, cn), HttpStatusCode.Accepted, transactionId);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        return pending.GetProperty("enrollmentId").GetString()!;
    }

    [Fact]
    public async Task Approve_pending_enrollment_issues_and_the_repeat_returns_the_certificate()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var cn = $"approve-{txid}.test";
        var csr = Csrs.P256(cn, cn);
        var pending = await client.EnrollAsync("test-manual", csr, HttpStatusCode.Accepted, txid);
        var id = pending.GetProperty("enrollmentId").GetString()!;
        Assert.Equal("admin:" + txid, id);

        // While pending, the repeat stays pending and the explanation says why.
        await client.EnrollAsync("test-manual", csr, HttpStatusCode.Accepted, txid);
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}");
        Assert.Equal("pending", explained.GetProperty("status").GetString());
        Assert.Equal("pending", explained.GetProperty("decision").GetProperty("effect").GetString());
        Assert.True(explained.GetProperty("approval").GetProperty("required").GetBoolean());
        Rule(explained.GetProperty("decision").GetProperty("firedRules"), "approval", "pending");

        using var approve = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        var approved = await JsonAsync(approve);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal("issued", approved.GetProperty("status").GetString());
        Assert.Equal("approved", approved.GetProperty("result").GetString());
        var serial = approved.GetProperty("serial").GetString()!;
        var certificate = X509Certificate2.CreateFromPem(approved.GetProperty("certificate").GetString());
        Assert.Equal("CN=" + cn, certificate.Subject);

        // The protocol client's repeat of the same request now gets the certificate.
        var repeat = await client.EnrollAsync("test-manual", csr, HttpStatusCode.Created, txid);
        Assert.Equal(serial, repeat.GetProperty("serial").GetString());

        // The explanation names the approving administrator, the rules and the certificate.
        explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}");
        Assert.Equal("issued", explained.GetProperty("status").GetString());
        Assert.Equal("approved", explained.GetProperty("approval").GetProperty("status").GetString());
        Assert.Equal("api-key:bootstrap", explained.GetProperty("approval").GetProperty("actor").GetString());
        Assert.Equal("api-key:bootstrap", explained.GetProperty("decision").GetProperty("decidedBy").GetString());
        Rule(explained.GetProperty("decision").GetProperty("firedRules"), "approval", "allow");
        Assert.Equal(serial, explained.GetProperty("certificate").GetProperty("serial").GetString());

        // The event history has the pending and approved steps, the approval with the administrator as actor.
        var history = await client.GetJsonAsync($"/api/v1/certificates/{serial}/history");
        var types = history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["enrollment_requested", "enrollment_pending", "enrollment_approved", "enrollment_fulfilled", "certificate_issued"], types);
        // The request's audit entry (202) rides on the pending decision; the approval is audited as enrollment.approve on its own.
        var audit = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_pending").GetProperty("details").GetProperty("audit");
        Assert.Equal(("enrollment.create", 202), (audit.GetProperty("action").GetString(), audit.GetProperty("status").GetInt32()));
        Assert.Equal("api-key:bootstrap", history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_approved").GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Approval_comment_is_recorded_with_the_approval()
    {
        using var client = gateway.Client();
        var id = await PendingAsync();
        using (var bad = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/approve", new { comment = new string('x', 1001) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using (var badChars = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/approve", new { comment = "ok\u0007" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badChars.StatusCode);
        }
        Assert.Equal("pending", (await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}")).GetProperty("status").GetString());

        using var approve = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/approve", new { comment = "  ticket CHG-1234, door controller swap  " });
        var approved = await JsonAsync(approve);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal("issued", approved.GetProperty("status").GetString());
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}");
        Assert.Equal("ticket CHG-1234, door controller swap", explained.GetProperty("decision").GetProperty("message").GetString());
        Assert.Contains(explained.GetProperty("decision").GetProperty("firedRules").EnumerateArray(), r => r.GetProperty("rule").GetString() == "approval"
            && r.GetProperty("reason").GetString() == "Approved by api-key:bootstrap: ticket CHG-1234, door controller swap");
        var history = await client.GetJsonAsync($"/api/v1/certificates/{approved.GetProperty("serial").GetString()}/history");
        var details = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_approved").GetProperty("details");
        Assert.Contains("CHG-1234", details.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_pending_template_enrollment_issues_the_template_as_requested()
    {
        // A CRMF-style request (CMP): a public key and the wanted names, no CSR. Approval rebuilds it from the recorded event.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var cn = $"tpl-approve-{NewId()}.test";
        var template = new Gateway.Contracts.RequestedTemplate(key.ExportSubjectPublicKeyInfo(), new X500DistinguishedName("CN=" + cn).RawData,
            [Gateway.Contracts.SubjectAltName.Dns(cn)], []);
        var request = new Gateway.Contracts.EnrollmentRequest(Gateway.Contracts.EnrollmentProtocol.Admin, "test-manual",
            new Gateway.Contracts.Requester("api-key", "bootstrap"), NewId(), null, template);
        var grain = gateway.Grains().GetGrain<Gateway.Contracts.Grains.IEnrollmentGrain>(request.EnrollmentKey);
        Assert.IsType<Gateway.Contracts.PendingOutcome>(await grain.EnrollAsync(request));

        using var client = gateway.Client();
        using var approve = await client.PostAsync($"/api/v1/enrollments/{Segment(request.EnrollmentKey)}/approve", null);
        var approved = await JsonAsync(approve);
        Assert.True(approve.StatusCode == HttpStatusCode.OK, approved.ToString());
        Assert.Equal("issued", approved.GetProperty("status").GetString());
        var certificate = X509Certificate2.CreateFromPem(approved.GetProperty("certificate").GetString());
        Assert.Equal("CN=" + cn, certificate.Subject);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());

        // The requester's repeat gets the approved certificate.
        var repeat = Assert.IsType<Gateway.Contracts.IssuedOutcome>(await grain.EnrollAsync(request));
        Assert.Equal(approved.GetProperty("serial").GetString(), repeat.Serial);
    }

    [Fact]
    public async Task Approve_twice_is_idempotent_and_deny_after_approve_is_409()
    {
        var id = await PendingAsync();
        using var client = gateway.Client();
        using var first = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        var serial = (await JsonAsync(first)).GetProperty("serial").GetString();
        using var second = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        var again = await JsonAsync(second);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("already-approved", again.GetProperty("result").GetString());
        Assert.Equal(serial, again.GetProperty("serial").GetString());

        using var deny = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/deny", new { reason = "too late" });
        Assert.Equal(HttpStatusCode.Conflict, deny.StatusCode);
        Assert.Equal("application/problem+json", deny.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/not-pending", (await JsonAsync(deny)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Deny_rejects_the_repeat_and_is_idempotent_and_approve_after_deny_is_409()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var cn = $"deny-{txid}.test";
        var csr = Csrs.P256(cn, cn);
        var id = (await client.EnrollAsync("test-manual", csr, HttpStatusCode.Accepted, txid)).GetProperty("enrollmentId").GetString()!;

        using var deny = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/deny", new { reason = "unknown device" });
        var denied = await JsonAsync(deny);
        Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
        Assert.Equal("rejected", denied.GetProperty("status").GetString());
        Assert.Equal("denied", denied.GetProperty("result").GetString());

        var repeat = await client.EnrollAsync("test-manual", csr, HttpStatusCode.Forbidden, txid);
        Assert.Equal("denied", repeat.GetProperty("reason").GetString());
        Assert.Equal("unknown device", repeat.GetProperty("detail").GetString());

        using var again = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/deny", new { reason = "still unknown" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("already-denied", (await JsonAsync(again)).GetProperty("result").GetString());
        using var approve = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);

        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}");
        Assert.Equal("rejected", explained.GetProperty("status").GetString());
        Assert.Equal("denied", explained.GetProperty("approval").GetProperty("status").GetString());
        Assert.Equal("api-key:bootstrap", explained.GetProperty("approval").GetProperty("actor").GetString());
        Assert.Equal("denied", explained.GetProperty("decision").GetProperty("reason").GetString());
        Assert.Equal("unknown device", explained.GetProperty("decision").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Approve_an_automatically_issued_enrollment_is_409_and_unknown_is_404_and_bad_id_is_400()
    {
        using var client = gateway.Client();
        var txid = NewId();
        await client.EnrollAsync("iot-device", Csrs.P256($"auto-{txid}.test", $"auto-{txid}.test"), HttpStatusCode.Created, txid);
        using var auto = await client.PostAsync($"/api/v1/enrollments/admin:{txid}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, auto.StatusCode);
        Assert.Equal("issued", (await JsonAsync(auto)).GetProperty("status").GetString());

        using var unknown = await client.PostAsync($"/api/v1/enrollments/admin:{NewId()}/approve", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var bad in new[] { "no-colon", "smtp%3Aabc", "admin%3A", Uri.EscapeDataString("admin:" + new string('x', 400)) })
        {
            using var response = await client.PostAsync($"/api/v1/enrollments/{bad}/approve", null);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        using var tooLong = await client.PostAsJsonAsync($"/api/v1/enrollments/admin:{NewId()}/deny", new { reason = new string('r', 1001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task Approve_and_deny_need_the_admin_role()
    {
        var id = await PendingAsync();
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        using var approve = await auditor.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        using var deny = await auditor.PostAsJsonAsync($"/api/v1/enrollments/{Segment(id)}/deny", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, deny.StatusCode);
        // An auditor may read the explanation; it is still pending.
        Assert.Equal("pending", (await auditor.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ids_with_colon_work_raw_and_encoded_and_a_slash_works_encoded()
    {
        var txid = "a/b:" + NewId();
        var id = await PendingAsync(transactionId: txid);
        Assert.Equal("admin:" + txid, id);
        using var client = gateway.Client();
        Assert.Equal(id, (await client.GetJsonAsync($"/api/v1/enrollments/{Segment(id)}")).GetProperty("id").GetString());
        Assert.Equal(id, (await client.GetJsonAsync($"/api/v1/enrollments/admin:{Uri.EscapeDataString(txid).Replace("%3A", ":")}")).GetProperty("id").GetString());
        using var approve = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
    }

    [Fact]
    public async Task Approval_works_after_the_enrollment_grain_was_deactivated()
    {
        using var client = gateway.Client();
        var txid = NewId();
        var cn = $"deact-{txid}.test";
        var csr = Csrs.P256(cn, cn);
        var id = (await client.EnrollAsync("test-manual", csr, HttpStatusCode.Accepted, txid)).GetProperty("enrollmentId").GetString()!;
        await gateway.DeactivateIdleGrainsAsync();
        using var approve = await client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var serial = (await JsonAsync(approve)).GetProperty("serial").GetString();
        await gateway.DeactivateIdleGrainsAsync();
        // A fresh activation answers the repeat from the store.
        Assert.Equal(serial, (await client.EnrollAsync("test-manual", csr, HttpStatusCode.Created, txid)).GetProperty("serial").GetString());
    }

    [Fact]
    public async Task Concurrent_approvals_issue_one_certificate()
    {
        var cn = $"many-{NewId()}.test";
        var id = await PendingAsync(cn: cn);
        using var client = gateway.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync($"/api/v1/enrollments/{Segment(id)}/approve", null)));
        var bodies = await Task.WhenAll(responses.Select(JsonAsync));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in responses) r.Dispose();
        Assert.Single(bodies, b => b.GetProperty("result").GetString() == "approved");
        Assert.Single(bodies.Select(b => b.GetProperty("serial").GetString()).Distinct());
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/certificates?san={cn}")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Approval_over_quota_is_429_and_the_enrollment_stays_pending()
    {
        var first = await PendingAsync("test-manual-quota");
        var second = await PendingAsync("test-manual-quota");
        using var client = gateway.Client();
        using var ok = await client.PostAsync($"/api/v1/enrollments/{Segment(first)}/approve", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var over = await client.PostAsync($"/api/v1/enrollments/{Segment(second)}/approve", null);
        Assert.Equal((HttpStatusCode)429, over.StatusCode);
        var problem = await JsonAsync(over);
        Rule(problem.GetProperty("firedRules"), "quotas.perProfile", "deny");
        Assert.Equal("pending", (await client.GetJsonAsync($"/api/v1/enrollments/{Segment(second)}")).GetProperty("status").GetString());
        // Denying it is still possible.
        using var deny = await client.PostAsJsonAsync($"/api/v1/enrollments/{Segment(second)}/deny", new { reason = "quota" });
        Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
    }
}
