using System.Net;
using System.Text.Json;

namespace Gateway.Server.Tests.Admin;

/// <summary>The hardened gateway end to end: HTTPS only for the admin API, four eyes on approvals.</summary>
[Collection(HardenedGatewayCollection.Name)]
public sealed class HardenedAdminApiTests(HardenedGatewayFixture gateway)
{
    [Fact]
    public async Task AdminApi_plainHttpFromLoopbackWhenNotAllowed_403ProblemNamingHttps()
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync("/api/v1/profiles");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.EndsWith("/https-required", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AdminApi_https_works()
    {
        using var client = gateway.HttpsClient();
        using var response = await client.GetAsync("/api/v1/profiles");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CaEndpoints_plainHttpWhenAdminApiIsHttpsOnly_stillServed()
    {
        using var client = gateway.Client(apiKey: null);
        using var response = await client.GetAsync("/ca/root.pem");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Approve_ownRequestWhenSelfApprovalForbidden_403StaysPending()
    {
        using var requester = gateway.HttpsClient();
        var pending = await requester.EnrollAsync("test-manual", Csrs.P256("four-eyes-1.example.test", "four-eyes-1.example.test"), HttpStatusCode.Accepted);
        var id = pending.GetProperty("enrollmentId").GetString()!;

        using var response = await requester.PostAsync($"/api/v1/enrollments/{AdminApi.Segment(id)}/approve", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.EndsWith("/self-approval-forbidden", problem.GetProperty("type").GetString());
        var enrollment = await requester.GetJsonAsync($"/api/v1/enrollments/{AdminApi.Segment(id)}");
        Assert.Equal("pending", enrollment.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Approve_otherKeysRequestWhenSelfApprovalForbidden_issues()
    {
        using var requester = gateway.HttpsClient();
        var pending = await requester.EnrollAsync("test-manual", Csrs.P256("four-eyes-2.example.test", "four-eyes-2.example.test"), HttpStatusCode.Accepted);
        var id = pending.GetProperty("enrollmentId").GetString()!;

        using var approver = gateway.HttpsClient(HardenedGatewayFixture.SecondAdminKey);
        using var response = await approver.PostAsync($"/api/v1/enrollments/{AdminApi.Segment(id)}/approve", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("issued", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }
}
