using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>The event store against the embedded PostgreSQL: streams, uniqueness, group commit, projections, history.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class EventStoreTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private DocumentStore _store = null!;
    private GroupCommitWriter _writer = null!;
    private InventoryQueries _queries = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync("t");
        _writer = EmbeddedPostgresFixture.NewWriter(_store);
        _queries = new InventoryQueries(_store);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CertificateIssued Issued(string serial, string enrollmentId, string profile = "web-server", string san = "DNS:a.test") =>
        new(serial, enrollmentId, profile, "admin", "api-key:test", "CN=a.test", [san], "default", "CN=Issuing", T0, T0.AddDays(90),
            new string('a', 64), [0x30, 0x00], null, T0);

    private static IReadOnlyList<StreamAppend> IssuanceUnit(string enrollmentId, string serial, string profile = "web-server", string san = "DNS:a.test") =>
    [
        new StreamAppend(enrollmentId, true, [
            new EnrollmentRequested(enrollmentId, "admin", profile, "api-key", "test", enrollmentId, "CN=a.test", [san], "EC P-256", null, [1, 2, 3], T0),
            new EnrollmentApproved(enrollmentId, "policy", "1", "san.dns.allow", [new FiredRuleData("san.dns.allow", "allow", "ok")], T0),
            new EnrollmentFulfilled(enrollmentId, serial, T0),
        ]),
        new StreamAppend(serial, true, [Issued(serial, enrollmentId, profile, san)]),
    ];

    private static string NewSerial() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    [Fact]
    public async Task Append_issuance_commits_both_streams_and_projects_records()
    {
        var serial = NewSerial();
        await _writer.AppendAsync(IssuanceUnit("admin:e1", serial));
        var certificate = await _queries.GetCertificateAsync(serial);
        Assert.NotNull(certificate);
        Assert.Equal("Valid", certificate.Status);
        Assert.Equal("admin:e1", certificate.EnrollmentId);
        var enrollment = await _queries.GetEnrollmentAsync("admin:e1");
        Assert.Equal("Issued", enrollment!.Status);
        Assert.Equal(serial, enrollment.Serial);
    }

    [Fact]
    public async Task Append_same_serial_twice_fails_with_collision_and_keeps_first()
    {
        var serial = NewSerial();
        await _writer.AppendAsync(IssuanceUnit("admin:first", serial));
        var ex = await Assert.ThrowsAsync<StreamCollisionException>(() => _writer.AppendAsync(IssuanceUnit("admin:second", serial)));
        Assert.Equal(serial, ex.StreamId);
        Assert.Equal("admin:first", (await _queries.GetCertificateAsync(serial))!.EnrollmentId);
        // The unit is atomic: the second enrollment's stream was not written either.
        Assert.Null(await _queries.GetEnrollmentAsync("admin:second"));
    }

    [Fact]
    public async Task Grouped_commit_with_one_colliding_unit_fails_only_that_unit()
    {
        var taken = NewSerial();
        await _writer.AppendAsync(IssuanceUnit("admin:taken", taken));
        var units = Enumerable.Range(0, 40).Select(i => (Id: $"admin:g{i}-{Guid.NewGuid():N}", Serial: i == 17 ? taken : NewSerial())).ToList();
        var tasks = units.Select(u => _writer.AppendAsync(IssuanceUnit(u.Id, u.Serial))).ToList();
        var results = await Task.WhenAll(tasks.Select(async t => { try { await t; return (Exception?)null; } catch (Exception e) { return e; } }));
        Assert.IsType<StreamCollisionException>(results[17]);
        Assert.Equal(39, results.Count(r => r is null));
        foreach (var (u, r) in units.Zip(results))
        {
            var enrollment = await _queries.GetEnrollmentAsync(u.Id);
            Assert.Equal(r is null, enrollment is not null);
        }
    }

    [Fact]
    public async Task Revoked_event_updates_record_status_and_reason()
    {
        var serial = NewSerial();
        await _writer.AppendAsync(IssuanceUnit("admin:rev", serial));
        await _writer.AppendAsync([new StreamAppend(serial, false, [new CertificateRevoked(serial, "keyCompromise", T0, "api-key:test", T0.AddHours(1))])]);
        var record = await _queries.GetCertificateAsync(serial);
        Assert.Equal("Revoked", record!.Status);
        Assert.Equal("keyCompromise", record.RevocationReason);
        Assert.Equal(T0.AddHours(1), record.RevokedAt);
    }

    [Fact]
    public async Task History_lists_enrollment_then_certificate_events_without_der()
    {
        var serial = NewSerial();
        await _writer.AppendAsync(IssuanceUnit("admin:hist", serial));
        var history = await _queries.GetHistoryAsync(serial);
        Assert.NotNull(history);
        Assert.Equal(["enrollment_requested", "enrollment_approved", "enrollment_fulfilled", "certificate_issued"], history.Select(h => h.Type));
        Assert.Equal("api-key:test", history[0].Actor);
        Assert.DoesNotContain("\"der\"", history[3].DetailsJson);
        Assert.DoesNotContain("\"csr\"", history[0].DetailsJson);
        Assert.Null(await _queries.GetHistoryAsync(NewSerial()));
    }

    [Fact]
    public async Task Query_filters_by_profile_san_status_and_pages()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++)
        {
            await _writer.AppendAsync(IssuanceUnit($"admin:q{i}{marker}", NewSerial(), i < 3 ? "iot-device" : "web-server", $"DNS:d{i}.{marker}.test"));
        }
        var (iot, iotTotal) = await _queries.QueryCertificatesAsync(new CertificateFilter(San: marker.ToUpperInvariant(), Profile: "iot-device", Take: 2));
        Assert.Equal(3, iotTotal);
        Assert.Equal(2, iot.Count);
        var (page2, _) = await _queries.QueryCertificatesAsync(new CertificateFilter(San: marker, Profile: "iot-device", Skip: 2, Take: 2));
        Assert.Single(page2);
        var (revoked, revokedTotal) = await _queries.QueryCertificatesAsync(new CertificateFilter(San: marker, Statuses: ["Revoked"]));
        Assert.Empty(revoked);
        Assert.Equal(0, revokedTotal);
    }
}
