using System.Collections.Concurrent;
using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>Revocation on the store: hold release, the CRL's query, CRL numbers, and the commit-time notification every node hears.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class RevocationStoreTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly string _schema = EmbeddedPostgresFixture.NewSchema("t");
    private DocumentStore _store = null!;
    private GroupCommitWriter _writer = null!;
    private RevocationQueries _revocations = null!;
    private InventoryQueries _inventory = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.OpenStoreAsync(_schema);
        _writer = EmbeddedPostgresFixture.NewWriter(_store);
        _revocations = new RevocationQueries(_store);
        _inventory = new InventoryQueries(_store);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
    }

    private static string NewSerial() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    private async Task<string> IssueAsync(string issuerId = "default", DateTimeOffset? notAfter = null)
    {
        var serial = NewSerial();
        await _writer.AppendAsync([new StreamAppend(serial, true, [
            new CertificateIssued(serial, "admin:" + serial, "web-server", "admin", "api-key:test", "CN=a.test", ["DNS:a.test"], issuerId, "CN=Issuing",
                T0, notAfter ?? T0.AddDays(90), new string('a', 64), [0x30, 0x00], null, T0),
        ])]);
        return serial;
    }

    private Task RevokeAsync(string serial, string reason, DateTimeOffset? invalidity = null) =>
        _writer.AppendAsync([new StreamAppend(serial, false, [new CertificateRevoked(serial, reason, invalidity, "api-key:test", T0.AddHours(1))])]);

    [Fact]
    public async Task Hold_then_release_makes_the_record_valid_again_and_history_names_the_actor()
    {
        var serial = await IssueAsync();
        await RevokeAsync(serial, "certificateHold");
        Assert.Equal("OnHold", (await _inventory.GetCertificateAsync(serial))!.Status);

        await _writer.AppendAsync([new StreamAppend(serial, false, [new CertificateHoldReleased(serial, "api-key:ops", T0.AddHours(2))])]);

        var record = await _inventory.GetCertificateAsync(serial);
        Assert.Equal("Valid", record!.Status);
        Assert.Null(record.RevokedAt);
        Assert.Null(record.RevocationReason);
        var history = await _inventory.GetHistoryAsync(serial);
        Assert.Equal(["certificate_issued", "certificate_revoked", "certificate_hold_released"], history!.Select(h => h.Type));
        Assert.Equal("api-key:ops", history![2].Actor);
    }

    [Fact]
    public async Task Final_revocation_stays_final_when_a_racing_release_or_hold_is_appended_after_it()
    {
        // Two activations of one certificate grain (a membership change): one revokes for keyCompromise, the other
        // still believes the certificate is on hold and releases it, or puts it on hold. Neither may make it valid.
        var serial = await IssueAsync();
        await RevokeAsync(serial, "certificateHold");
        await RevokeAsync(serial, "keyCompromise");
        await _writer.AppendAsync([new StreamAppend(serial, false, [new CertificateHoldReleased(serial, "api-key:stale", T0.AddHours(2))])]);
        await RevokeAsync(serial, "certificateHold");

        var record = await _inventory.GetCertificateAsync(serial);
        Assert.Equal("Revoked", record!.Status);
        Assert.Equal("keyCompromise", record.RevocationReason);
        Assert.NotNull(record.RevokedAt);
        Assert.Contains(await _revocations.GetRevokedAsync(record.IssuerId, isDefaultIssuer: true, now: T0.AddDays(2)), r => r.Serial == serial && r.Reason == "keyCompromise");
    }

    [Fact]
    public async Task Release_appended_at_the_version_read_before_a_final_revocation_fails_with_a_version_conflict()
    {
        var serial = await IssueAsync();
        await RevokeAsync(serial, "certificateHold");
        var (held, version) = await _inventory.GetCertificateForWritingAsync(serial);
        Assert.Equal(("OnHold", 2L), (held!.Status, version));

        await RevokeAsync(serial, "keyCompromise");
        var stale = _writer.AppendAsync([new StreamAppend(serial, false, [new CertificateHoldReleased(serial, "api-key:stale", T0.AddHours(2))], version)]);

        await Assert.ThrowsAsync<StreamVersionConflictException>(() => stale);
        var (record, now) = await _inventory.GetCertificateForWritingAsync(serial);
        Assert.Equal(("Revoked", "keyCompromise", 3L), (record!.Status, record.RevocationReason, now));
    }

    [Fact]
    public async Task GetRevoked_lists_exactly_the_issuers_revoked_and_held_unexpired_certificates()
    {
        var issuer = "ca-" + Guid.NewGuid().ToString("N")[..6];
        var valid = await IssueAsync(issuer);
        var revoked = await IssueAsync(issuer);
        var held = await IssueAsync(issuer);
        var released = await IssueAsync(issuer);
        var expired = await IssueAsync(issuer, notAfter: T0.AddDays(1));
        var otherIssuer = await IssueAsync("other-" + issuer);
        await RevokeAsync(revoked, "keyCompromise", T0.AddMinutes(-30));
        await RevokeAsync(held, "certificateHold");
        await RevokeAsync(released, "certificateHold");
        await _writer.AppendAsync([new StreamAppend(released, false, [new CertificateHoldReleased(released, "api-key:test", T0.AddHours(2))])]);
        await RevokeAsync(expired, "superseded");
        await RevokeAsync(otherIssuer, "keyCompromise");

        var rows = await _revocations.GetRevokedAsync(issuer, isDefaultIssuer: false, now: T0.AddDays(2));

        Assert.Equal(new[] { revoked, held }.Order(StringComparer.Ordinal), rows.Select(r => r.Serial));
        var row = rows.Single(r => r.Serial == revoked);
        Assert.Equal("keyCompromise", row.Reason);
        Assert.Equal(T0.AddHours(1), row.RevokedAt);
        Assert.Equal(T0.AddMinutes(-30), row.InvalidityDate);
        Assert.DoesNotContain(valid, rows.Select(r => r.Serial));
    }

    [Fact]
    public async Task GetStatus_reads_issuer_and_revocation_without_the_certificate()
    {
        var serial = await IssueAsync("default");
        await RevokeAsync(serial, "cessationOfOperation");

        var status = await _revocations.GetStatusAsync(serial);

        Assert.NotNull(status);
        Assert.Equal("default", status.IssuerId);
        Assert.Equal("Revoked", status.Status);
        Assert.Equal("cessationOfOperation", status.Reason);
        Assert.Null(await _revocations.GetStatusAsync(NewSerial()));
    }

    [Fact]
    public async Task CrlPublished_events_project_the_last_number()
    {
        var issuer = "ca-" + Guid.NewGuid().ToString("N")[..6];
        var stream = RevocationQueries.CrlStreamId(issuer);
        Assert.Null(await _revocations.GetLastCrlAsync(issuer));

        await _writer.AppendAsync([new StreamAppend(stream, true, [new CrlPublished(issuer, 1, T0, T0.AddDays(1), 0, T0)])]);
        await _writer.AppendAsync([new StreamAppend(stream, false, [new CrlPublished(issuer, 2, T0.AddHours(1), T0.AddDays(1), 3, T0.AddHours(1))])]);

        var last = await _revocations.GetLastCrlAsync(issuer);
        Assert.Equal(2, last!.Number);
        Assert.Equal(3, last.Entries);
        Assert.Equal(T0.AddHours(1), last.ThisUpdate);
    }

    [Fact]
    public async Task ExpectedVersion_lets_only_one_writer_take_a_crl_number()
    {
        var issuer = "ca-" + Guid.NewGuid().ToString("N")[..6];
        var stream = RevocationQueries.CrlStreamId(issuer);
        await _writer.AppendAsync([new StreamAppend(stream, true, [new CrlPublished(issuer, 1, T0, T0.AddDays(1), 0, T0)])]);

        await _writer.AppendAsync([new StreamAppend(stream, false, [new CrlPublished(issuer, 2, T0, T0.AddDays(1), 0, T0)], ExpectedVersion: 1)]);
        // A second node that also read number 1 and tries to publish number 2 loses.
        await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _writer.AppendAsync([new StreamAppend(stream, false, [new CrlPublished(issuer, 2, T0, T0.AddDays(1), 5, T0)], ExpectedVersion: 1)]));

        var last = await _revocations.GetLastCrlAsync(issuer);
        Assert.Equal(2, last!.Number);
        Assert.Equal(0, last.Entries);
    }

    [Fact]
    public async Task Committed_revocations_and_releases_are_notified_to_the_feed()
    {
        using var feed = new RevocationFeed(postgres.Server.ConnectionString, RevocationFeed.ChannelFor(_schema), NullLogger<RevocationFeed>.Instance);
        var heard = new ConcurrentQueue<string>();
        var resynchronised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.Changed += heard.Enqueue;
        feed.Resynchronised += () => resynchronised.TrySetResult();
        await feed.StartAsync(CancellationToken.None);
        try
        {
            await resynchronised.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(feed.IsListening);
            var issuedOnly = await IssueAsync();
            var revoked = await IssueAsync();
            var held = await IssueAsync();

            await RevokeAsync(revoked, "keyCompromise");
            await RevokeAsync(held, "certificateHold");
            await _writer.AppendAsync([new StreamAppend(held, false, [new CertificateHoldReleased(held, "api-key:test", T0.AddHours(2))])]);

            var expected = new[] { revoked, held, held };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (heard.Count < expected.Length && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(expected, heard.ToArray());
            Assert.DoesNotContain(issuedOnly, heard);
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failed_commit_notifies_nothing()
    {
        using var feed = new RevocationFeed(postgres.Server.ConnectionString, RevocationFeed.ChannelFor(_schema), NullLogger<RevocationFeed>.Instance);
        var heard = new ConcurrentQueue<string>();
        var resynchronised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.Changed += heard.Enqueue;
        feed.Resynchronised += () => resynchronised.TrySetResult();
        await feed.StartAsync(CancellationToken.None);
        try
        {
            await resynchronised.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var existing = await IssueAsync();
            var serial = NewSerial();
            // One unit: a revocation plus a stream that already exists → the whole transaction rolls back.
            await Assert.ThrowsAsync<StreamCollisionException>(() => _writer.AppendAsync([
                new StreamAppend(serial, true, [new CertificateRevoked(serial, "keyCompromise", null, "api-key:test", T0)]),
                new StreamAppend(existing, true, [new CrlPublished("x", 1, T0, T0.AddDays(1), 0, T0)]),
            ]));
            // A later committed revocation is heard; the rolled-back one never is.
            var later = await IssueAsync();
            await RevokeAsync(later, "superseded");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!heard.Contains(later) && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal([later], heard.ToArray());
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }
    }
}
