using Gateway.Store.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>Credential streams against the embedded PostgreSQL: the inline record, queries, history without secrets, versioned appends.</summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class CredentialStoreTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private DocumentStore _store = null!;
    private GroupCommitWriter _writer = null!;
    private CredentialQueries _queries = null!;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync("c");
        _writer = EmbeddedPostgresFixture.NewWriter(_store);
        _queries = new CredentialQueries(_store);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _store.Dispose();
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Salt = [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0];
    private static readonly byte[] Hash = Enumerable.Range(0, 32).Select(i => (byte)(0xC0 + i % 16)).ToArray();
    private static readonly byte[] Ciphertext = Enumerable.Range(0, 88).Select(i => (byte)(0x10 + i)).ToArray();

    private static string NewId() => Guid.NewGuid().ToString("N")[..16];

    private static CredentialCreated Created(string id, string profile = "iot-device", int? maxUses = null, DateTimeOffset? expiresAt = null, DateTimeOffset? at = null) =>
        new(id, profile, maxUses, expiresAt, ["dev1.test"], "a test credential", "sha256-salted", Salt, Hash, "k1", Ciphertext, "api-key:test", at ?? T0);

    private static CredentialUsed Used(string id, int uses, string reference) =>
        new(id, "iot-device", "est", reference, ["dev1.test"], uses, T0.AddMinutes(uses));

    private Task CreateAsync(CredentialCreated created) =>
        _writer.AppendAsync([new StreamAppend(CredentialStreams.For(created.CredentialId), true, [created])]);

    [Fact]
    public async Task Created_event_projects_an_active_record_at_version_1()
    {
        var id = NewId();
        await CreateAsync(Created(id, maxUses: 3, expiresAt: T0.AddDays(1)));
        var record = await _queries.GetAsync(id);
        Assert.NotNull(record);
        Assert.Equal(CredentialStreams.For(id), record.Id);
        Assert.Equal(id, record.CredentialId);
        Assert.Equal(1, record.Version);
        Assert.Equal("Active", record.Status);
        Assert.Equal(3, record.MaxUses);
        Assert.Equal(0, record.Uses);
        Assert.Equal(T0.AddDays(1), record.ExpiresAt);
        Assert.Equal(["dev1.test"], record.Subjects);
        Assert.Equal(Hash, record.SecretHash);
        Assert.Equal(Ciphertext, record.EncryptedSecret);
        Assert.Null(await _queries.GetAsync(NewId()));
    }

    [Fact]
    public async Task Uses_count_up_to_exhausted_and_revocation_wins()
    {
        var id = NewId();
        var stream = CredentialStreams.For(id);
        await CreateAsync(Created(id, maxUses: 2));
        await _writer.AppendAsync([new StreamAppend(stream, false, [Used(id, 1, "est:a")], ExpectedVersion: 1)]);
        var record = await _queries.GetAsync(id);
        Assert.Equal(("Active", 1, 2L), (record!.Status, record.Uses, record.Version));
        await _writer.AppendAsync([new StreamAppend(stream, false, [Used(id, 2, "est:b")], ExpectedVersion: 2)]);
        record = await _queries.GetAsync(id);
        Assert.Equal(("Exhausted", 2, 3L), (record!.Status, record.Uses, record.Version));
        Assert.Equal(["est:a", "est:b"], record.RecentReferences);
        Assert.Equal(T0.AddMinutes(2), record.LastUsedAt);

        await _writer.AppendAsync([new StreamAppend(stream, false,
            [new CredentialUseRefused(id, "iot-device", "est", "est:c", ["dev1.test"], "exhausted", "all 2 uses are used", T0.AddHours(1))], ExpectedVersion: 3)]);
        await _writer.AppendAsync([new StreamAppend(stream, false, [new CredentialRevoked(id, "api-key:ops", T0.AddHours(2))], ExpectedVersion: 4)]);
        record = await _queries.GetAsync(id);
        Assert.Equal(("Revoked", 2, 1, 5L), (record!.Status, record.Uses, record.Refusals, record.Version));
        Assert.Equal(T0.AddHours(2), record.RevokedAt);
        Assert.Equal("api-key:ops", record.RevokedBy);
    }

    [Fact]
    public async Task Recent_references_keep_only_the_last_32()
    {
        var id = NewId();
        await CreateAsync(Created(id));
        for (var i = 1; i <= 40; i++)
        {
            await _writer.AppendAsync([new StreamAppend(CredentialStreams.For(id), false, [Used(id, i, "ref-" + i)], ExpectedVersion: i)]);
        }
        var record = await _queries.GetAsync(id);
        Assert.Equal(40, record!.Uses);
        Assert.Equal(Enumerable.Range(9, 32).Select(i => "ref-" + i), record.RecentReferences);
        Assert.Equal("Active", record.Status);
    }

    [Fact]
    public async Task Append_with_a_stale_expected_version_fails_and_changes_nothing()
    {
        var id = NewId();
        var stream = CredentialStreams.For(id);
        await CreateAsync(Created(id, maxUses: 5));
        await _writer.AppendAsync([new StreamAppend(stream, false, [Used(id, 1, "first")], ExpectedVersion: 1)]);
        var ex = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            _writer.AppendAsync([new StreamAppend(stream, false, [Used(id, 1, "second")], ExpectedVersion: 1)]));
        Assert.Equal(stream, ex.StreamId);
        var record = await _queries.GetAsync(id);
        Assert.Equal((1, 2L), (record!.Uses, record.Version));
        Assert.Equal(["first"], record.RecentReferences);
    }

    [Fact]
    public async Task Concurrent_appends_at_the_same_version_let_exactly_one_through()
    {
        var id = NewId();
        var stream = CredentialStreams.For(id);
        await CreateAsync(Created(id, maxUses: 100));
        var attempts = Enumerable.Range(0, 20)
            .Select(i => _writer.AppendAsync([new StreamAppend(stream, false, [Used(id, 1, "r" + i)], ExpectedVersion: 1)]))
            .ToList();
        var results = await Task.WhenAll(attempts.Select(async t => { try { await t; return (Exception?)null; } catch (Exception e) { return e; } }));
        Assert.Equal(1, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), r => Assert.IsType<StreamVersionConflictException>(r));
        var record = await _queries.GetAsync(id);
        Assert.Equal((1, 2L), (record!.Uses, record.Version));
    }

    [Fact]
    public async Task Query_filters_by_profile_and_derived_status_and_pages()
    {
        var profile = "p-" + Guid.NewGuid().ToString("N")[..8];
        var active = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = NewId();
            active.Add(id);
            await CreateAsync(Created(id, profile, at: T0.AddMinutes(i)));
        }
        var expired = NewId();
        await CreateAsync(Created(expired, profile, expiresAt: T0.AddHours(1), at: T0.AddMinutes(10)));
        var exhausted = NewId();
        await CreateAsync(Created(exhausted, profile, maxUses: 1, at: T0.AddMinutes(11)));
        await _writer.AppendAsync([new StreamAppend(CredentialStreams.For(exhausted), false, [Used(exhausted, 1, "x")])]);
        var revoked = NewId();
        await CreateAsync(Created(revoked, profile, at: T0.AddMinutes(12)));
        await _writer.AppendAsync([new StreamAppend(CredentialStreams.For(revoked), false, [new CredentialRevoked(revoked, "api-key:test", T0)])]);
        await CreateAsync(Created(NewId(), "other-" + profile));

        var now = T0.AddDays(1);
        var (all, allTotal) = await _queries.QueryAsync(new CredentialFilter(Profile: profile));
        Assert.Equal(6, allTotal);
        Assert.Equal(revoked, all[0].CredentialId); // newest first

        var (onlyActive, _) = await _queries.QueryAsync(new CredentialFilter(profile, ["Active"], UnexpiredAt: now));
        Assert.Equal(active.AsEnumerable().Reverse(), onlyActive.Select(r => r.CredentialId));
        var (onlyExpired, _) = await _queries.QueryAsync(new CredentialFilter(profile, ["Active", "Exhausted"], ExpiredAt: now));
        Assert.Equal([expired], onlyExpired.Select(r => r.CredentialId));
        var (onlyExhausted, _) = await _queries.QueryAsync(new CredentialFilter(profile, ["Exhausted"], UnexpiredAt: now));
        Assert.Equal([exhausted], onlyExhausted.Select(r => r.CredentialId));
        var (onlyRevoked, _) = await _queries.QueryAsync(new CredentialFilter(profile, ["Revoked"]));
        Assert.Equal([revoked], onlyRevoked.Select(r => r.CredentialId));

        var (page2, total) = await _queries.QueryAsync(new CredentialFilter(profile, Skip: 4, Take: 4));
        Assert.Equal(6, total);
        Assert.Equal(2, page2.Count);
    }

    [Fact]
    public async Task History_lists_events_oldest_first_without_secret_material()
    {
        var id = NewId();
        await CreateAsync(Created(id, maxUses: 1));
        await _writer.AppendAsync([new StreamAppend(CredentialStreams.For(id), false, [Used(id, 1, "est:abc")])]);
        await _writer.AppendAsync([new StreamAppend(CredentialStreams.For(id), false, [new CredentialRevoked(id, "api-key:ops", T0.AddHours(1))])]);
        var history = await _queries.GetHistoryAsync(id);
        Assert.NotNull(history);
        Assert.Equal(["credential_created", "credential_used", "credential_revoked"], history.Select(h => h.Type));
        Assert.Equal(["api-key:test", CredentialStreams.For(id), "api-key:ops"], history.Select(h => h.Actor));
        Assert.Equal([1L, 2L, 3L], history.Select(h => h.Version));
        var created = history[0].DetailsJson;
        Assert.Contains("\"profile\":\"iot-device\"", created);
        foreach (var secret in new[] { Convert.ToBase64String(Salt), Convert.ToBase64String(Hash), Convert.ToBase64String(Ciphertext) })
        {
            Assert.DoesNotContain(secret, created);
        }
        Assert.DoesNotContain("secret", created, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("encrypt", created, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"reference\":\"est:abc\"", history[1].DetailsJson);
        Assert.Null(await _queries.GetHistoryAsync(NewId()));
    }
}
