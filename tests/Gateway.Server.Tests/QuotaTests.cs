using System.Net;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>Quotas: exact under concurrency, recorded with the rule that fired, kept across grain deactivation.</summary>
[Collection(GatewayCollection.Name)]
public sealed class QuotaTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Parallel_enrollments_over_a_profile_quota_issue_exactly_the_limit()
    {
        // test-quota-concurrent: at most 5 a day. No other test uses it.
        const int Requests = 24;
        const int Limit = 5;
        using var client = gateway.Client();
        var marker = NewId();
        var csrs = Enumerable.Range(0, Requests).Select(i => Csrs.P256($"q{i}-{marker}.test", $"q{i}-{marker}.test")).ToList();
        var responses = await Task.WhenAll(csrs.Select(csr => client.EnrollAsync("test-quota-concurrent", csr)));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var bodies = await Task.WhenAll(responses.Select(JsonAsync));
        foreach (var r in responses) r.Dispose();

        Assert.Equal(Limit, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Requests - Limit, statuses.Count(s => s == (HttpStatusCode)429));
        foreach (var refused in bodies.Where(b => b.TryGetProperty("reason", out _)))
        {
            Assert.Equal("rate-limited", refused.GetProperty("reason").GetString());
            Rule(refused.GetProperty("firedRules"), "quotas.perProfile", "deny");
        }
        Assert.Equal(Limit, (await client.GetJsonAsync("/api/v1/certificates?profile=test-quota-concurrent")).GetProperty("total").GetInt64());

        // Refused requests are recorded with the rule that fired, and searchable.
        var rejected = await client.GetJsonAsync("/api/v1/enrollments?profile=test-quota-concurrent&status=rejected&pageSize=100");
        Assert.Equal(Requests - Limit, rejected.GetProperty("total").GetInt64());
        Assert.All(rejected.GetProperty("items").EnumerateArray(), e =>
        {
            Assert.Equal("quotas.perProfile", e.GetProperty("decidingRule").GetString());
            Assert.Equal("rate-limited", e.GetProperty("reason").GetString());
        });
    }

    [Fact]
    public async Task Name_quota_refuses_a_second_certificate_for_a_name_also_after_the_quota_grain_is_deactivated()
    {
        // test-quota-name: at most 1 a day per DNS name. No other test uses it.
        using var client = gateway.Client();
        var marker = NewId();
        await client.EnrollAsync("test-quota-name", Csrs.P256($"a-{marker}.test", $"a-{marker}.test"), HttpStatusCode.Created);
        await client.EnrollAsync("test-quota-name", Csrs.P256($"b-{marker}.test", $"b-{marker}.test"), HttpStatusCode.Created);

        var refused = await client.EnrollAsync("test-quota-name", Csrs.P256($"c-{marker}.test", $"c-{marker}.test", $"a-{marker}.test"), (HttpStatusCode)429);
        var rule = Rule(refused.GetProperty("firedRules"), "quotas.perName", "deny");
        Assert.Contains($"DNS:a-{marker}.test has 1 certificate(s)", rule.GetProperty("reason").GetString());

        // The window is rebuilt from the stored certificates' names.
        await gateway.DeactivateIdleGrainsAsync();
        await client.EnrollAsync("test-quota-name", Csrs.P256($"b-{marker}.test", $"b-{marker}.test"), (HttpStatusCode)429);
        // The refused request took no slot for its other name.
        await client.EnrollAsync("test-quota-name", Csrs.P256($"c-{marker}.test", $"c-{marker}.test"), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Requester_quota_holds_after_the_quota_grain_is_deactivated()
    {
        // test-quota-requester: at most 2 a day per requester (here api-key:bootstrap). No other test uses it.
        using var client = gateway.Client();
        var marker = NewId();
        await client.EnrollAsync("test-quota-requester", Csrs.P256($"r1-{marker}.test", $"r1-{marker}.test"), HttpStatusCode.Created);
        await client.EnrollAsync("test-quota-requester", Csrs.P256($"r2-{marker}.test", $"r2-{marker}.test"), HttpStatusCode.Created);
        await gateway.DeactivateIdleGrainsAsync();

        var refused = await client.EnrollAsync("test-quota-requester", Csrs.P256($"r3-{marker}.test", $"r3-{marker}.test"), (HttpStatusCode)429);
        var rule = Rule(refused.GetProperty("firedRules"), "quotas.perRequester", "deny");
        Assert.Contains("has 2 certificate(s)", rule.GetProperty("reason").GetString());
        // Another requester has its own quota.
        var other = gateway.Grains().GetGrain<IQuotaGrain>(QuotaKeys.ForRequester("test-quota-requester", new Requester("api-key", "someone-else")));
        var reservation = await other.ReserveAsync("probe-" + marker, 2, TimeSpan.FromDays(1));
        await other.ReleaseAsync("probe-" + marker);
        Assert.Equal(new QuotaReservation(true, 0, Slot: 0, SlotVersion: 0), reservation);
    }

    [Fact]
    public async Task A_new_quota_activation_counts_the_certificates_already_in_the_store()
    {
        // iot-device has no quota, so nothing ever reserved in its scope: a count can only come from the store.
        using var client = gateway.Client();
        var marker = NewId();
        for (var i = 0; i < 3; i++) await client.EnrollAsync("iot-device", Csrs.P256($"s{i}-{marker}.test", $"s{i}-{marker}.test"), HttpStatusCode.Created);
        var scope = gateway.Grains().GetGrain<IQuotaGrain>(QuotaKeys.ForProfile("iot-device"));
        var probe = "probe-" + marker;
        var reservation = await scope.ReserveAsync(probe, 1_000_000, TimeSpan.FromDays(1));
        await scope.ReleaseAsync(probe);
        var stored = (await client.GetJsonAsync("/api/v1/certificates?profile=iot-device&pageSize=1")).GetProperty("total").GetInt64();
        Assert.True(reservation.Reserved);
        Assert.True(reservation.CountBefore >= 3);
        // Everything issued under iot-device in this test run (a fresh store, well within the day): the store's count.
        Assert.Equal(stored, reservation.CountBefore);

        // A limit at or below the count refuses without taking a slot; idempotent per reservation id.
        var refused = await scope.ReserveAsync("refused-" + marker, reservation.CountBefore, TimeSpan.FromDays(1));
        Assert.False(refused.Reserved);
        var again = await scope.ReserveAsync(probe + "-2", 1_000_000, TimeSpan.FromDays(1));
        var repeat = await scope.ReserveAsync(probe + "-2", 1_000_000, TimeSpan.FromDays(1));
        Assert.Equal(again, repeat);
        await scope.ReleaseAsync(probe + "-2");
    }

    [Fact]
    public async Task Quota_slot_reserved_by_an_activation_that_was_lost_cannot_be_committed_twice()
    {
        // test-quota-slot: at most 1 a day under the profile. No other test uses it.
        const string Profile = "test-quota-slot";
        var key = QuotaKeys.ForProfile(Profile);
        var marker = NewId();
        var scope = gateway.Grains().GetGrain<IQuotaGrain>(key);
        // An enrollment on some node reserved the last slot, then the quota's activation was lost (a crash, a
        // membership change) before that enrollment committed.
        var lost = await scope.ReserveAsync("lost-" + marker, 1, TimeSpan.FromDays(1));
        Assert.True(lost.Reserved);
        await gateway.DeactivateIdleGrainsAsync();

        // A new activation knows nothing of the reservation: another enrollment gets the slot and commits it.
        using var client = gateway.Client();
        await client.EnrollAsync(Profile, Csrs.P256($"s1-{marker}.test", $"s1-{marker}.test"), HttpStatusCode.Created);

        // The first enrollment's commit now arrives: its slot append (as QuotaSlots makes it) fails, so its certificate
        // would not be committed either, and the limit holds in the store.
        var writer = gateway.App.Services.GetRequiredService<Gateway.Store.IEventWriter>();
        var late = new Gateway.Store.StreamAppend(Gateway.Store.QuotaSlotStreams.For(key, lost.Slot), lost.SlotVersion == 0,
            [new Gateway.Store.Events.QuotaSlotTaken(key, lost.Slot, "lost-" + marker, DateTimeOffset.UtcNow)],
            lost.SlotVersion == 0 ? null : lost.SlotVersion);
        var failure = await Record.ExceptionAsync(() => writer.AppendAsync([late]));
        Assert.True(failure is Gateway.Store.StreamCollisionException or Gateway.Store.StreamVersionConflictException, failure?.ToString() ?? "the slot was taken twice");

        // And the quota, read again, is full.
        await client.EnrollAsync(Profile, Csrs.P256($"s2-{marker}.test", $"s2-{marker}.test"), (HttpStatusCode)429);
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/certificates?profile={Profile}")).GetProperty("total").GetInt64());
    }
}
