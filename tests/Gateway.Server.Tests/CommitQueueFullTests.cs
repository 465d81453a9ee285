using System.Net;
using System.Net.Http.Json;

namespace Gateway.Server.Tests;

/// <summary>A gateway whose group-commit queue holds one waiting unit, so a burst overflows it.</summary>
public sealed class TinyCommitQueueGatewayFixture : GatewayFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--Gateway:Store:CommitQueueLimit=1", "--Gateway:Store:Writers=1"];
}

/// <summary>
/// Issue 14 item 6: when the commit queue is full, new enrollments are refused at once as Unavailable (503 with
/// Retry-After), not a 500, and nothing is half done: every 201 is in the store.
/// </summary>
public sealed class CommitQueueFullTests(TinyCommitQueueGatewayFixture gateway) : IClassFixture<TinyCommitQueueGatewayFixture>
{
    [Fact]
    public async Task Enroll_burst_past_a_full_commit_queue_gets_503_with_retry_after_and_every_201_is_stored()
    {
        using var client = gateway.Client();
        var csrs = Enumerable.Range(0, 48).Select(i => Csrs.P256($"burst-{i}.example.test", $"burst-{i}.example.test")).ToList();

        var responses = await Task.WhenAll(csrs.Select(csr => client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            var serial = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("serial").GetString();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/certificates/{serial}")).StatusCode);
        }
    }
}
