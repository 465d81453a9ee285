using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>keys.allowReuse: a key certified for another subject is refused, unless the profile allows reuse.</summary>
[Collection(GatewayCollection.Name)]
public sealed class KeyReuseTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Key_certified_for_another_subject_is_refused_unless_the_profile_allows_reuse()
    {
        using var client = gateway.Client();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var marker = NewId();
        var first = await client.EnrollAsync("test-unique-keys", Csr(key, $"a-{marker}.test"), HttpStatusCode.Created);

        // Same key, same subject: not another subject.
        var again = await client.EnrollAsync("test-unique-keys", Csr(key, $"a-{marker}.test"), HttpStatusCode.Created);

        // Same key, another subject: refused, with the rule that fired.
        var refused = await client.EnrollAsync("test-unique-keys", Csr(key, $"b-{marker}.test"), HttpStatusCode.Forbidden);
        Assert.Equal("bad-key", refused.GetProperty("reason").GetString());
        Rule(refused.GetProperty("firedRules"), "keys.allowReuse", "deny");

        // A profile that allows reuse issues it (and does not even look the key up).
        var reused = await client.EnrollAsync("iot-device", Csr(key, $"c-{marker}.test"), HttpStatusCode.Created);
        Assert.DoesNotContain("keys.allowReuse", RuleNames((await client.GetJsonAsync(
            $"/api/v1/enrollments/{Segment(reused.GetProperty("enrollmentId").GetString()!)}")).GetProperty("decision").GetProperty("firedRules")));

        // Once every certificate of the key is revoked, the key is free again.
        foreach (var issued in new[] { first, again, reused })
        {
            using var revoke = await client.PostAsJsonAsync($"/api/v1/certificates/{issued.GetProperty("serial").GetString()}/revoke", new { reason = "superseded" });
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        var free = await client.EnrollAsync("test-unique-keys", Csr(key, $"b-{marker}.test"), HttpStatusCode.Created);
        var explained = await client.GetJsonAsync($"/api/v1/enrollments/{Segment(free.GetProperty("enrollmentId").GetString()!)}");
        Rule(explained.GetProperty("decision").GetProperty("firedRules"), "keys.allowReuse", "allow");
    }
}
