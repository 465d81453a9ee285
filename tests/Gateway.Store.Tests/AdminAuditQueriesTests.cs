using Gateway.Store.Events;
using Marten;

namespace Gateway.Store.Tests;

/// <summary>
/// The audit log reads both forms of an entry: an <see cref="AdminActionRecorded"/> row (any action, and admin enrollments
/// recorded before their decisions carried the entry) and the <see cref="AdminAuditData"/> an enrollment decision carries,
/// with the same filters, order, paging and total.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class AdminAuditQueriesTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = await postgres.NewStoreAsync("audit_q");

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static FiredRuleData[] Rules => [new("approval", "allow", "Approved automatically")];

    private static EnrollmentRequested Requested(string id, DateTimeOffset at) =>
        new(id, "admin", "web-server", "api-key", "bootstrap", id[6..], "CN=a.test", ["DNS:a.test"], "EC P-256", null, [0x30, 0x00], at);

    private async Task SeedAsync()
    {
        await using var writer = EmbeddedPostgresFixture.NewWriter(_store);
        var ops = new AdminAuditData("api-key:ops", "enrollment.create", "10.0.0.1", 201, null);
        await writer.AppendAsync([
            // Issued (the entry on the approval), pending, refused: decisions carrying their entry.
            new StreamAppend("admin:e1", true, [Requested("admin:e1", T0), new EnrollmentApproved("admin:e1", "policy", "1", "approval", Rules, T0, Audit: ops)]),
            new StreamAppend("admin:e2", true, [Requested("admin:e2", T0.AddMinutes(1)),
                new EnrollmentPending("admin:e2", "needs approval", "1", Rules, T0.AddMinutes(1), ops with { Status = 202 })]),
            new StreamAppend("admin:e3", true, [Requested("admin:e3", T0.AddMinutes(2)),
                new EnrollmentRejected("admin:e3", "policy", "BadName", "no", "san.dns.allow", Rules, T0.AddMinutes(2), "1", ops with { Actor = "api-key:other", Status = 403, Detail = "bad-name" })]),
            // A decision without an entry (another protocol's enrollment) is no audit entry.
            new StreamAppend("est:e4", true, [Requested("est:e4", T0.AddMinutes(3)), new EnrollmentApproved("est:e4", "policy", "1", "approval", Rules, T0.AddMinutes(3))]),
        ]);
        await writer.AppendAsync([
            // The older form: the entry as a row of the enrollment's stream, and an action in the day's audit stream.
            new StreamAppend("admin:e0", true, [Requested("admin:e0", T0.AddMinutes(-1)), new EnrollmentApproved("admin:e0", "policy", "1", "approval", Rules, T0.AddMinutes(-1)),
                new AdminActionRecorded("api-key:ops", "enrollment.create", "admin:e0", "10.0.0.2", 201, null, T0.AddMinutes(-1))]),
            new StreamAppend(AdminAuditStreams.For(T0), true, [new AdminActionRecorded("api-key:ops", "certificate.revoke", "certificate:01", null, 204, null, T0.AddMinutes(4))]),
        ]);
    }

    [Fact]
    public async Task Both_forms_come_back_newest_first_with_their_fields()
    {
        await SeedAsync();
        var queries = new AdminAuditQueries(_store);

        var (items, total) = await queries.QueryAsync(new AdminAuditFilter(null, null, null, null, 0, 50));

        Assert.Equal(5, total);
        Assert.Equal(["certificate:01", "admin:e3", "admin:e2", "admin:e1", "admin:e0"], items.Select(i => i.Target));
        var refused = items[1];
        Assert.Equal(("api-key:other", "enrollment.create", "10.0.0.1", 403, "bad-name"), (refused.Actor, refused.Action, refused.ClientAddress, refused.Status, refused.Detail));
        Assert.Equal(T0.AddMinutes(2), refused.At);
        Assert.Equal(202, items[2].Status);
        Assert.Equal(("10.0.0.2", 201), (items[4].ClientAddress, items[4].Status));
    }

    [Fact]
    public async Task Filters_paging_and_total_apply_to_both_forms()
    {
        await SeedAsync();
        var queries = new AdminAuditQueries(_store);

        var (creates, createTotal) = await queries.QueryAsync(new AdminAuditFilter(null, null, null, "enrollment.create", 1, 2));
        Assert.Equal(4, createTotal);
        Assert.Equal(["admin:e2", "admin:e1"], creates.Select(i => i.Target));

        var (ops, opsTotal) = await queries.QueryAsync(new AdminAuditFilter(T0, T0.AddMinutes(4), "api-key:ops", null, 0, 50));
        Assert.Equal(2, opsTotal); // e1 and e2: e0 is before From, e3 another actor, the revocation at To (exclusive)
        Assert.Equal(["admin:e2", "admin:e1"], ops.Select(i => i.Target));

        var (beyond, beyondTotal) = await queries.QueryAsync(new AdminAuditFilter(null, null, null, null, 10, 5));
        Assert.Empty(beyond);
        Assert.Equal(5, beyondTotal);
    }
}
