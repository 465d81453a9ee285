using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>
/// The store side of the enrollment pipeline: optimistic appends, enrollment streams and lists, renewal links, expiry,
/// and the facts policy asks for (key in use, issued counts).
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class EnrollmentQueriesTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private DocumentStore _store = null!;
    private GroupCommitWriter _writer = null!;
    private InventoryQueries _inventory = null!;
    private EnrollmentQueries _queries = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync("e");
        _writer = EmbeddedPostgresFixture.NewWriter(_store);
        _inventory = new InventoryQueries(_store);
        _queries = new EnrollmentQueries(_store, new EnrollmentProbe(_store, postgres.Server.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
    }

    private static string NewSerial() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    private static EnrollmentRequested Requested(string id, string profile = "iot-device", string principal = "dev-1", DateTimeOffset? at = null,
        string protocol = "est", string subject = "CN=dev-1.test") =>
        new(id, protocol, profile, "http-basic", principal, id, subject, ["DNS:dev-1.test"], "EC P-256", null, [0x30, 0x03, 0x02, 0x01, 0x00], at ?? T0);

    private static CertificateIssued Issued(string serial, string enrollmentId, string profile = "iot-device", string requester = "http-basic:dev-1",
        string? spki = null, DateTimeOffset? at = null, DateTimeOffset? notAfter = null, string? renewalOf = null) =>
        new(serial, enrollmentId, profile, "est", requester, "CN=dev-1.test", ["DNS:dev-1.test"], "default", "CN=Issuing",
            (at ?? T0).AddMinutes(-5), notAfter ?? (at ?? T0).AddDays(365), new string('a', 64), [0x30, 0x00], renewalOf, at ?? T0, spki);

    private static FiredRuleData[] Rules(string rule, string effect) => [new FiredRuleData(rule, effect, rule + " " + effect)];

    private Task Pending(string id, string profile = "iot-device", string principal = "dev-1", DateTimeOffset? at = null) =>
        _writer.AppendAsync([new StreamAppend(id, true, [
            Requested(id, profile, principal, at),
            new EnrollmentPending(id, "needs approval", "3", Rules("approval", "pending"), at ?? T0),
        ])]);

    [Fact]
    public async Task An_approvals_rules_stay_on_its_event_and_the_stream_view_shows_them()
    {
        var approvedId = "est:" + Guid.NewGuid().ToString("N");
        var rejectedId = "est:" + Guid.NewGuid().ToString("N");
        await _writer.AppendAsync([
            new StreamAppend(approvedId, true, [
                Requested(approvedId),
                new EnrollmentApproved(approvedId, "policy", "3", "keys.ec", Rules("keys.ec", "allow"), T0),
            ]),
            new StreamAppend(rejectedId, true, [
                Requested(rejectedId),
                new EnrollmentRejected(rejectedId, "policy", "PolicyDenied", "denied", "san.dns", Rules("san.dns", "deny"), T0, "3"),
            ]),
        ]);

        // The stored snapshot (what lists and filters read) does not repeat an approval's rules.
        var approved = await _inventory.GetEnrollmentAsync(approvedId);
        Assert.Equal("Approved", approved!.Status);
        Assert.Empty(approved.Rules);
        await using (var session = _store.QuerySession())
        {
            Assert.DoesNotContain("keys.ec allow", await session.Json.FindByIdAsync<Records.EnrollmentRecord>(approvedId), StringComparison.Ordinal);
        }
        // The full view, folded from the events, has them.
        var stream = await _queries.GetStreamAsync(approvedId);
        Assert.Equal("keys.ec", Assert.Single(stream!.Record.Rules).Rule);

        // A rejection's rules are the answer to a retransmission: the snapshot keeps them.
        var rejected = await _inventory.GetEnrollmentAsync(rejectedId);
        Assert.Equal("san.dns", Assert.Single(rejected!.Rules).Rule);
        Assert.Equal("san.dns", Assert.Single((await _queries.GetStreamAsync(rejectedId))!.Record.Rules).Rule);
    }

    [Fact]
    public async Task Null_members_are_not_stored_and_read_back_as_null()
    {
        var id = "est:" + Guid.NewGuid().ToString("N");
        var serial = NewSerial();
        await _writer.AppendAsync([new StreamAppend(serial, true, [Issued(serial, id)])]);

        await using var session = _store.QuerySession();
        var json = await session.Json.FindByIdAsync<Records.CertificateRecord>(serial);
        Assert.NotNull(json);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("RevokedAt", json, StringComparison.Ordinal);

        var record = await _inventory.GetCertificateAsync(serial);
        Assert.Null(record!.RevokedAt);
        Assert.Null(record.RenewalOf);
        // A LINQ comparison with null matches a missing member.
        Assert.Equal(1, await session.Query<Records.CertificateRecord>().CountAsync(x => x.Id == serial && x.RevokedAt == null && x.RenewalOf == null));
        var events = await session.Events.FetchStreamAsync(serial);
        Assert.Null(((CertificateIssued)Assert.Single(events).Data).RenewalOf);
    }

    [Fact]
    public async Task Append_with_expected_version_commits_when_the_stream_is_unchanged()
    {
        var id = "est:" + Guid.NewGuid().ToString("N");
        await Pending(id);
        var stream = await _queries.GetStreamAsync(id);
        Assert.NotNull(stream);
        Assert.Equal(2, stream.Version);
        Assert.Equal("Pending", stream.Record.Status);
        Assert.Equal([0x30, 0x03, 0x02, 0x01, 0x00], stream.Requested.Csr);

        await _writer.AppendAsync([new StreamAppend(id, false, [
            new EnrollmentApproved(id, "api-key:alice", "3", "approval", Rules("approval", "allow"), T0.AddMinutes(1)),
        ], ExpectedVersion: stream.Version)]);

        var record = await _inventory.GetEnrollmentAsync(id);
        Assert.Equal("Approved", record!.Status);
        Assert.Equal("api-key:alice", record.DecidedBy);
        Assert.True(record.ApprovalRequired);
        Assert.Equal(3, (await _queries.GetStreamAsync(id))!.Version);
    }

    [Fact]
    public async Task Append_with_stale_expected_version_fails_and_writes_nothing_of_the_unit()
    {
        var id = "est:" + Guid.NewGuid().ToString("N");
        await Pending(id);
        var seen = (await _queries.GetStreamAsync(id))!.Version;
        await _writer.AppendAsync([new StreamAppend(id, false, [
            new EnrollmentRejected(id, "api-key:bob", "Denied", "no", "approval", Rules("approval", "deny"), T0.AddMinutes(1), "3"),
        ], ExpectedVersion: seen)]);

        var serial = NewSerial();
        var ex = await Assert.ThrowsAsync<StreamVersionConflictException>(() => _writer.AppendAsync([
            new StreamAppend(id, false, [
                new EnrollmentApproved(id, "api-key:alice", "3", "approval", Rules("approval", "allow"), T0.AddMinutes(2)),
                new EnrollmentFulfilled(id, serial, T0.AddMinutes(2)),
            ], ExpectedVersion: seen),
            new StreamAppend(serial, true, [Issued(serial, id)]),
        ]));
        Assert.Equal(id, ex.StreamId);
        Assert.Null(await _inventory.GetCertificateAsync(serial));
        var record = await _inventory.GetEnrollmentAsync(id);
        Assert.Equal("Rejected", record!.Status);
        Assert.Equal("api-key:bob", record.DecidedBy);
        Assert.Equal("3", record.ProfileVersion);
    }

    [Fact]
    public async Task Decision_appended_after_a_rate_limited_refusal_supersedes_it_and_the_fingerprint_is_kept()
    {
        var id = "admin:" + Guid.NewGuid().ToString("N");
        var serial = NewSerial();
        await _writer.AppendAsync([new StreamAppend(id, true, [
            Requested(id) with { Fingerprint = "f1" },
            new EnrollmentRejected(id, "policy", "RateLimited", "quota full", "quotas.perRequester", Rules("quotas.perRequester", "deny"), T0, "1"),
        ])]);
        var refused = await _queries.GetStreamAsync(id);
        Assert.Equal(("Rejected", "RateLimited", "f1"), (refused!.Record.Status, refused.Record.RejectionReason, refused.Requested.Fingerprint));

        await _writer.AppendAsync([
            new StreamAppend(id, false, [
                new EnrollmentApproved(id, "policy", "2", "quotas.perRequester", Rules("quotas.perRequester", "allow"), T0.AddMinutes(1)),
                new EnrollmentFulfilled(id, serial, T0.AddMinutes(1)),
            ], ExpectedVersion: refused.Version),
            new StreamAppend(serial, true, [Issued(serial, id)]),
        ]);

        var record = await _inventory.GetEnrollmentAsync(id);
        Assert.Equal(("Issued", null, serial), (record!.Status, record.RejectionReason, record.Serial));
        var folded = await _queries.GetStreamAsync(id);
        Assert.Equal(("Issued", null, 4L), (folded!.Record.Status, folded.Record.RejectionReason, folded.Version));
    }

    [Fact]
    public async Task Find_unconfirmed_returns_enrollments_awaiting_confirmation_past_their_deadline_only()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        // An enrollment fulfilled with (or without) a confirmation deadline, then the events made by `after` from its id and serial.
        async Task<string> FulfilledAsync(string name, DateTimeOffset? confirmBy, Func<string, string, object>? after = null)
        {
            var id = $"cmp:{marker}-{name}";
            var serial = NewSerial();
            await _writer.AppendAsync([
                new StreamAppend(id, true, [Requested(id), new EnrollmentFulfilled(id, serial, T0, confirmBy), .. after is null ? [] : new[] { after(id, serial) }]),
                new StreamAppend(serial, true, [Issued(serial, id)]),
            ]);
            return id;
        }
        var overdue = await FulfilledAsync("overdue", T0.AddMinutes(10));
        var later = await FulfilledAsync("later", T0.AddHours(2));
        await FulfilledAsync("no-confirmation", null);
        await FulfilledAsync("confirmed", T0.AddMinutes(5), (id, serial) => new CertificateConfirmed(id, serial, "cmp:dev", T0.AddMinutes(1)));
        await FulfilledAsync("refused", T0.AddMinutes(5), (id, serial) => new CertificateConfirmationRefused(id, serial, "cmp:dev", "no", T0.AddMinutes(1)));

        var found = (await _queries.FindUnconfirmedAsync(T0.AddHours(1), 1000)).Where(id => id.Contains(marker, StringComparison.Ordinal)).ToList();

        Assert.Equal([overdue], found);
        Assert.Equal("AwaitingConfirmation", (await _inventory.GetEnrollmentAsync(later))!.Status);
        Assert.Equal("Issued", (await _inventory.GetEnrollmentAsync($"cmp:{marker}-confirmed"))!.Status);
        var refused = (await _queries.GetStreamAsync($"cmp:{marker}-refused"))!.Record;
        Assert.Equal(("ConfirmationRefused", "no"), (refused.Status, refused.Message));
    }

    [Fact]
    public async Task Query_enrollments_filters_by_status_profile_requester_protocol_and_time_and_pages_newest_first()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var profile = "p-" + marker;
        for (var i = 0; i < 4; i++) await Pending($"est:{marker}-{i}", profile, i < 3 ? "dev-a" : "dev-b", T0.AddMinutes(i));
        var rejected = $"est:{marker}-r";
        await _writer.AppendAsync([new StreamAppend(rejected, true, [
            Requested(rejected, profile, "dev-a", T0.AddMinutes(10)),
            new EnrollmentRejected(rejected, "policy", "BadName", "name refused", "san.dns.allow", Rules("san.dns.allow", "deny"), T0.AddMinutes(10), "3"),
        ])]);

        var (all, total) = await _queries.QueryAsync(new EnrollmentFilter(Profile: profile.ToUpperInvariant()));
        Assert.Equal(5, total);
        Assert.Equal(rejected, all[0].Id);

        var (refused, refusedTotal) = await _queries.QueryAsync(new EnrollmentFilter(Statuses: ["Rejected"], Profile: profile));
        Assert.Equal(1, refusedTotal);
        Assert.Equal("san.dns.allow", refused[0].DecidingRule);
        Assert.Equal("policy", refused[0].DecidedBy);

        var (_, byRequester) = await _queries.QueryAsync(new EnrollmentFilter(Profile: profile, Requester: "http-basic:dev-a"));
        Assert.Equal(4, byRequester);
        var (_, byTime) = await _queries.QueryAsync(new EnrollmentFilter(Profile: profile, RequestedFrom: T0.AddMinutes(1), RequestedBefore: T0.AddMinutes(3)));
        Assert.Equal(2, byTime);
        var (_, otherProtocol) = await _queries.QueryAsync(new EnrollmentFilter(Profile: profile, Protocol: "scep"));
        Assert.Equal(0, otherProtocol);
        var (page2, _) = await _queries.QueryAsync(new EnrollmentFilter(Profile: profile, Skip: 2, Take: 2));
        Assert.Equal([$"est:{marker}-2", $"est:{marker}-1"], page2.Select(e => e.Id));
    }

    [Fact]
    public async Task Renewal_link_and_expiry_show_on_both_certificate_records()
    {
        var old = NewSerial();
        var renewed = NewSerial();
        await _writer.AppendAsync([new StreamAppend(old, true, [Issued(old, "est:old", notAfter: T0.AddDays(1))])]);
        await _writer.AppendAsync([
            new StreamAppend(renewed, true, [Issued(renewed, "est:new", renewalOf: old), new CertificateRenewed(renewed, old, "est:new", T0)]),
            new StreamAppend(old, false, [new CertificateSuperseded(old, renewed, "est:new", T0)]),
        ]);
        var oldRecord = await _inventory.GetCertificateAsync(old);
        Assert.Equal(renewed, oldRecord!.SupersededBy);
        Assert.Equal(old, (await _inventory.GetCertificateAsync(renewed))!.RenewalOf);
        Assert.Contains("certificate_superseded", (await _inventory.GetHistoryAsync(old))!.Select(h => h.Type));
        Assert.Contains("certificate_renewed", (await _inventory.GetHistoryAsync(renewed))!.Select(h => h.Type));

        var expired = await _queries.FindExpiredAsync(T0.AddDays(2), 1000);
        Assert.Contains(expired, e => e.Serial == old);
        Assert.DoesNotContain(expired, e => e.Serial == renewed);
        await _writer.AppendAsync([new StreamAppend(old, false, [new CertificateExpired(old, T0.AddDays(1), T0.AddDays(2))])]);
        Assert.Equal("Expired", (await _inventory.GetCertificateAsync(old))!.Status);
        Assert.DoesNotContain(await _queries.FindExpiredAsync(T0.AddDays(2), 1000), e => e.Serial == old);
    }

    [Fact]
    public async Task Expired_event_keeps_a_revoked_status()
    {
        var serial = NewSerial();
        await _writer.AppendAsync([new StreamAppend(serial, true, [Issued(serial, "est:rev", notAfter: T0.AddDays(1))])]);
        await _writer.AppendAsync([new StreamAppend(serial, false, [
            new CertificateRevoked(serial, "keyCompromise", null, "api-key:x", T0.AddHours(1)),
            new CertificateExpired(serial, T0.AddDays(1), T0.AddDays(2)),
        ])]);
        var record = await _inventory.GetCertificateAsync(serial);
        Assert.Equal("Revoked", record!.Status);
        Assert.Equal(T0.AddDays(2), record.ExpiredAt);
    }

    [Fact]
    public async Task The_certificate_row_leaves_the_DER_to_its_event_and_every_query_that_returns_records_fills_it()
    {
        var spki = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var profile = "der-" + Guid.NewGuid().ToString("N")[..8];
        byte[] Der(int n) => [0x30, 0x03, 0x02, 0x01, (byte)n];
        var setBased = NewSerial();
        var bySession = NewSerial();
        // One certificate through the writer (its set-based path for a new stream), one through a Marten session (the
        // inline projection), then a revocation appended to the first (the projection folds the stored row on).
        await _writer.AppendAsync([new StreamAppend(setBased, true, [Issued(setBased, "est:d1", profile: profile, spki: spki) with { Der = Der(1) }])]);
        await using (var session = _store.LightweightSession())
        {
            session.Events.StartStream(bySession, Issued(bySession, "est:d2", profile: profile, spki: spki, at: T0.AddMinutes(1)) with { Der = Der(2) });
            await session.SaveChangesAsync();
        }
        await _writer.AppendAsync([new StreamAppend(setBased, false, [new CertificateRevoked(setBased, "superseded", null, "x", T0.AddHours(1))])]);

        await using (var raw = _store.QuerySession())
        {
            var stored = await raw.QueryAsync<string>(
                $"select data::text from {_store.Options.DatabaseSchemaName}.mt_doc_certificaterecord where id = any(?)", new object[] { new[] { setBased, bySession } });
            Assert.Equal(2, stored.Count);
            Assert.All(stored, json => Assert.DoesNotContain("\"Der\"", json));
            Assert.Empty((await raw.LoadAsync<Gateway.Store.Records.CertificateRecord>(bySession))!.Der); // read past the queries: empty
        }

        Assert.Equal(Der(1), (await _inventory.GetCertificateAsync(setBased))!.Der);
        Assert.Equal("Revoked", (await _inventory.GetCertificateAsync(setBased))!.Status);
        Assert.Equal(Der(2), (await _inventory.GetCertificateForWritingAsync(bySession)).Record!.Der);
        var (page, total) = await _inventory.QueryCertificatesAsync(new CertificateFilter(Profile: profile));
        Assert.Equal(2, total);
        Assert.Equal([Der(2), Der(1)], page.Select(c => c.Der));
        Assert.Equal([Der(2)], (await _queries.FindValidByKeyAsync(spki, T0.AddDays(1))).Select(c => c.Der));
        Assert.Null(await _inventory.GetCertificateAsync(NewSerial()));
    }

    [Fact]
    public async Task Find_valid_by_key_ignores_revoked_expired_and_other_keys()
    {
        var spki = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var valid = NewSerial();
        var revoked = NewSerial();
        var expired = NewSerial();
        await _writer.AppendAsync([
            new StreamAppend(valid, true, [Issued(valid, "est:k1", spki: spki)]),
            new StreamAppend(revoked, true, [Issued(revoked, "est:k2", spki: spki), new CertificateRevoked(revoked, "superseded", null, "x", T0)]),
            new StreamAppend(expired, true, [Issued(expired, "est:k3", spki: spki, notAfter: T0.AddDays(1))]),
            new StreamAppend(NewSerial(), true, [Issued(NewSerial(), "est:k4", spki: new string('b', 64))]),
        ]);
        var found = await _queries.FindValidByKeyAsync(spki, T0.AddDays(2));
        Assert.Equal([valid], found.Select(c => c.Serial));
    }

    [Fact]
    public async Task Issued_between_counts_by_profile_case_insensitively_and_by_requester()
    {
        var profile = "Quota-" + Guid.NewGuid().ToString("N")[..8];
        var units = new List<IReadOnlyList<StreamAppend>>();
        for (var i = 0; i < 5; i++)
        {
            var serial = NewSerial();
            units.Add([new StreamAppend(serial, true, [Issued(serial, $"est:q{i}", profile, i < 2 ? "http-basic:a" : "http-basic:b", at: T0.AddMinutes(i))])]);
        }
        await Task.WhenAll(units.Select(u => _writer.AppendAsync(u)));
        var lower = profile.ToLowerInvariant();
        Assert.Equal(5, (await _queries.IssuedBetweenAsync(lower, null, T0, null)).Count);
        Assert.Equal(["est:q0", "est:q1"], (await _queries.IssuedBetweenAsync(lower, "http-basic:a", T0, null)).Select(e => e.EnrollmentId));
        Assert.Equal(["est:q1", "est:q2"], (await _queries.IssuedBetweenAsync(lower, null, T0.AddMinutes(1), T0.AddMinutes(3))).Select(e => e.EnrollmentId));
        // By subjectAltName (quotas.perName): every certificate here names DNS:dev-1.test, none DNS:dev-2.test.
        Assert.Equal(5, (await _queries.IssuedBetweenAsync(lower, null, T0, null, "DNS:dev-1.test")).Count);
        Assert.Empty(await _queries.IssuedBetweenAsync(lower, null, T0, null, "DNS:dev-2.test"));
        Assert.Empty(await _queries.IssuedBetweenAsync(lower, null, T0, null, "DNS:dev-1"));
    }

    [Fact]
    public async Task Profile_matches_are_literal_not_like_patterns()
    {
        // Profile names may hold '_' (and a filter may hold '%'). Marten sends a case-insensitive equality as ILIKE with
        // the value escaped: a quota of profile iot_x must not count iot-x's certificates, nor iot_x miss its own.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var dashed = "iot-" + tag;
        var underscored = "iot_" + tag + "u";
        var serial = NewSerial();
        var other = NewSerial();
        await _writer.AppendAsync([
            new StreamAppend(serial, true, [Issued(serial, "est:" + tag, dashed)]),
            new StreamAppend("est:" + tag, true, [Requested("est:" + tag, dashed)]),
            new StreamAppend(other, true, [Issued(other, "est:" + tag + "u", underscored)]),
        ]);
        Assert.Single(await _queries.IssuedBetweenAsync(dashed.ToUpperInvariant(), null, T0, null));
        Assert.Single(await _queries.IssuedBetweenAsync(underscored.ToUpperInvariant(), null, T0, null));
        Assert.Empty(await _queries.IssuedBetweenAsync("iot-" + tag + "u", null, T0, null));
        Assert.Empty(await _queries.IssuedBetweenAsync("iot_" + tag, null, T0, null));
        Assert.Empty(await _queries.IssuedBetweenAsync("iot%", null, T0, null));
        Assert.Equal(1, (await _queries.QueryAsync(new EnrollmentFilter(Profile: dashed.ToUpperInvariant(), Take: 10))).Total);
        Assert.Equal(0, (await _queries.QueryAsync(new EnrollmentFilter(Profile: "iot_" + tag, Take: 10))).Total);
        Assert.Equal(0, (await _queries.QueryAsync(new EnrollmentFilter(Profile: "%", Take: 10))).Total);
    }
}

/// <summary>A store created before the enrollment pipeline's indexed columns keeps answering after the upgrade.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class EnrollmentColumnsUpgradeTests(EmbeddedPostgresFixture postgres)
{
    [Fact]
    public async Task Columns_added_to_an_existing_store_are_filled_from_the_stored_documents()
    {
        var schema = EmbeddedPostgresFixture.NewSchema("u");
        var id = "est:" + Guid.NewGuid().ToString("N");
        var serial = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var spki = new string('c', 64);
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        using (var before = DocumentStore.For(o =>
        {
            // The configuration before the enrollment pipeline's columns.
            o.Connection(postgres.Server.ConnectionString);
            o.DatabaseSchemaName = schema;
            o.AutoCreateSchemaObjects = JasperFx.AutoCreate.CreateOrUpdate;
            o.Events.StreamIdentity = JasperFx.Events.StreamIdentity.AsString;
            o.Projections.Snapshot<Records.CertificateRecord>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
            o.Projections.Snapshot<Records.EnrollmentRecord>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
            o.Schema.For<Records.CertificateRecord>().Duplicate(x => x.NotAfter).Duplicate(x => x.Status).Duplicate(x => x.Profile).Duplicate(x => x.IssuedAt);
        }))
        {
            await before.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var session = before.LightweightSession();
            session.Events.StartStream(id,
                new EnrollmentRequested(id, "est", "iot-device", "http-basic", "dev-9", id, "CN=dev-9.test", ["DNS:dev-9.test"], "EC P-256", null, null, at),
                new EnrollmentRejected(id, "policy", "BadName", "refused", "san.dns.allow", [], at));
            session.Events.StartStream(serial, new CertificateIssued(serial, id, "iot-device", "est", "http-basic:dev-9", "CN=dev-9.test", ["DNS:dev-9.test"],
                "default", "CN=Issuing", at, at.AddDays(365), new string('a', 64), [0x30, 0x00], null, at, spki));
            await session.SaveChangesAsync();
        }

        using var after = await postgres.OpenStoreAsync(schema);
        var queries = new EnrollmentQueries(after, new EnrollmentProbe(after, postgres.Server.ConnectionString));
        var (items, total) = await queries.QueryAsync(new EnrollmentFilter(Statuses: ["Rejected"], Profile: "iot-device", Requester: "http-basic:dev-9"));
        Assert.Equal(1, total);
        Assert.Equal(id, items[0].Id);
        Assert.Equal([serial], (await queries.FindValidByKeyAsync(spki, at.AddDays(1))).Select(c => c.Serial));
    }
}
