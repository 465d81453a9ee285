using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>
/// The set-based writer for commits that only start new streams writes the rows Marten's session writes for the same
/// units (events, streams, inline snapshots with their duplicated columns), and everything else still goes through the
/// session.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class NewStreamWriterTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters = TestMeters.Factory();
    private DocumentStore _sessionStore = null!;
    private DocumentStore _setBasedStore = null!;

    public async Task InitializeAsync()
    {
        _sessionStore = await postgres.NewStoreAsync("ns_session");
        _setBasedStore = await postgres.NewStoreAsync("ns_set");
    }

    public Task DisposeAsync()
    {
        _sessionStore.Dispose();
        _setBasedStore.Dispose();
        return Task.CompletedTask;
    }

    private GroupCommitWriter Writer(DocumentStore store, bool setBased, int maxBatch = 64) => new(
        store, Options.Create(new GatewayStoreOptions { MaxBatchSize = maxBatch, Writers = 1, SetBasedAppends = setBased }),
        TestMeters.Store(_meters), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);

    private static FiredRuleData[] Rules => [new("protocols", "allow", "Protocol admin is allowed"), new("approval", "allow", "Approved automatically")];

    private static EnrollmentRequested Requested(string id, DateTimeOffset? confirmBy = null, string? requestKey = null) => new(
        id, "admin", "web-server", "api-key", "bootstrap", "tx-" + id, "CN=Zoë Müller \u2603 \U0001F600,O=host.test", ["DNS:host.test", "IP:10.0.0.1"], "EC P-256", null,
        [0x30, 0x03, 0x02, 0x01, 0x00], T0, "ab12", confirmBy is not null, new Dictionary<string, string> { ["ou"] = "Ops" }, RequestKey: requestKey);

    private static CertificateIssued Issued(string serial, string enrollment) => new(
        serial, enrollment, "web-server", "admin", "api-key:bootstrap", "CN=host.test", ["DNS:host.test"], "default", "CN=Dev CA",
        T0.AddMinutes(-5), T0.AddDays(90), "ff00", [1, 2, 3, 4], null, T0.AddSeconds(1), "5pk1", T0.AddDays(100));

    /// <summary>The units the gateway commits that only start streams: issued (with the certificate), pending, rejected, a credential.</summary>
    private static IReadOnlyList<IReadOnlyList<StreamAppend>> HotUnits(string tag)
    {
        var issued = $"admin:issued-{tag}";
        var confirm = $"cmp:confirm-{tag}";
        var pending = $"est:pending-{tag}";
        var rejected = $"scep:rejected-{tag}";
        var credential = $"credential:{tag}";
        var keyed = $"est:0190aa-{tag}"; // an EST enrollment under an id of its own, found by its request key
        return
        [
            [
                new StreamAppend(keyed, true, [Requested(keyed, requestKey: $"est:digest-{tag}"), new EnrollmentApproved(keyed, "policy", "1", null, Rules, T0),
                    new EnrollmentFulfilled(keyed, $"cc{tag}", T0)]),
                new StreamAppend($"cc{tag}", true, [Issued($"cc{tag}", keyed)]),
            ],
            [
                new StreamAppend(issued, true, [Requested(issued),
                    new EnrollmentApproved(issued, "policy", "1", "protocols", Rules, T0, Audit: new AdminAuditData("api-key:bootstrap", "enrollment.create", "127.0.0.1", 201, null)),
                    new EnrollmentFulfilled(issued, $"aa{tag}", T0)]),
                new StreamAppend($"aa{tag}", true, [Issued($"aa{tag}", issued)]),
            ],
            [
                new StreamAppend(confirm, true, [Requested(confirm, T0.AddMinutes(5)), new EnrollmentApproved(confirm, "policy", "2", null, Rules, T0, "ok"),
                    new EnrollmentFulfilled(confirm, $"bb{tag}", T0, T0.AddMinutes(5))]),
                new StreamAppend($"bb{tag}", true, [Issued($"bb{tag}", confirm)]),
            ],
            [new StreamAppend(pending, true, [Requested(pending), new EnrollmentPending(pending, "approval required", "1", Rules, T0)])],
            [new StreamAppend(rejected, true, [Requested(rejected), new EnrollmentRejected(rejected, "policy", "bad-name", "no", "san.dns", Rules, T0, "3")])],
            [new StreamAppend(credential, true, [new CredentialCreated(credential, "iot-device", 5, T0.AddDays(1), ["CN=dev"], "bench", "pbkdf2", [1], [2], "k1", [3], "admin", T0)])],
        ];
    }

    [Fact]
    public async Task New_streams_are_written_as_Marten_writes_them()
    {
        await using (var session = Writer(_sessionStore, setBased: false))
        {
            foreach (var unit in HotUnits("x")) await session.AppendAsync(unit);
        }
        using var batches = new MetricCollector<int>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitBatchSize);
        await using (var setBased = Writer(_setBasedStore, setBased: true))
        {
            await Task.WhenAll(HotUnits("x").Select(u => setBased.AppendAsync(u)));
        }
        Assert.All(batches.GetMeasurementSnapshot(), m => Assert.Equal(StoreMetrics.SetBasedPath, m.Tags["path"]));
        Assert.Equal(6, batches.GetMeasurementSnapshot().Sum(m => m.Value));

        // Row by row: events (all but their sequence number, id and timestamp), streams, and each snapshot table with every column.
        Assert.Equal(
            await RowsAsync(_sessionStore, "select stream_id, version, data::text, convert_from(bdata, 'UTF8'), type, tenant_id, mt_dotnet_type, is_archived from {0}.mt_events order by stream_id, version"),
            await RowsAsync(_setBasedStore, "select stream_id, version, data::text, convert_from(bdata, 'UTF8'), type, tenant_id, mt_dotnet_type, is_archived from {0}.mt_events order by stream_id, version"));
        Assert.Equal(17, (await RowsAsync(_setBasedStore, "select 1 from {0}.mt_events")).Count);
        // The enrollment's events and the certificate's (JsonEventPayloads) in bdata, Marten's '{}' in data; the credential's in data.
        Assert.Equal(["certificate_issued 3 | enrollment_approved 3 | enrollment_fulfilled 3 | enrollment_pending 1 | enrollment_rejected 1 | enrollment_requested 5",
            "credential_created 1"],
            await RowsAsync(_setBasedStore, "select string_agg(type || ' ' || n, ' | ' order by type) from (select type, count(*) n, bool_and(bdata is not null and data = '{{}}'::jsonb) b, "
                + "bool_and(bdata is null and data <> '{{}}'::jsonb) j from {0}.mt_events group by type) t where b or j group by b order by b desc"));
        Assert.Equal(
            await RowsAsync(_sessionStore, "select id, type, version, tenant_id, compacted_version, is_archived, created = timestamp from {0}.mt_streams order by id"),
            await RowsAsync(_setBasedStore, "select id, type, version, tenant_id, compacted_version, is_archived, created = timestamp from {0}.mt_streams order by id"));
        foreach (var table in new[] { "mt_doc_enrollmentrecord", "mt_doc_certificaterecord", "mt_doc_credentialrecord" })
        {
            var sql = $"select to_jsonb(d) - 'mt_last_modified' from {{0}}.{table} d order by id";
            var expected = await RowsAsync(_sessionStore, sql);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await RowsAsync(_setBasedStore, sql));
        }

        // And Marten reads them back as it wrote them.
        await using var reads = _setBasedStore.QuerySession();
        var record = await reads.LoadAsync<EnrollmentRecord>("cmp:confirm-x");
        Assert.Equal(("AwaitingConfirmation", "bbx", T0.AddMinutes(5)), (record!.Status, record.Serial, record.ConfirmBy));
        var events = await reads.Events.FetchStreamAsync("admin:issued-x");
        Assert.Equal([typeof(EnrollmentRequested), typeof(EnrollmentApproved), typeof(EnrollmentFulfilled)], events.Select(e => e.Data.GetType()));
        Assert.Equal(Requested("admin:issued-x").Csr, ((EnrollmentRequested)events[0].Data).Csr);
        Assert.Equal(new AdminAuditData("api-key:bootstrap", "enrollment.create", "127.0.0.1", 201, null), ((EnrollmentApproved)events[1].Data).Audit);
        Assert.Equal(3, (await reads.Events.FetchStreamStateAsync("admin:issued-x"))!.Version);
        var pending = await reads.Query<EnrollmentRecord>().Where(x => x.Status == "Pending").ToListAsync();
        Assert.Equal("est:pending-x", Assert.Single(pending).Id);
        Assert.Equal(["est:0190aa-x | est:digest-x"], await RowsAsync(_setBasedStore, "select id, request_key from {0}.mt_doc_enrollmentrecord where request_key is not null"));
        var certificate = await reads.Query<CertificateRecord>().SingleAsync(x => x.SpkiSha256 == "5pk1" && x.Id == "aax");
        Assert.Equal(T0.AddDays(90), certificate.NotAfter);
    }

    [Fact]
    public async Task Groups_larger_than_the_JSON_buffer_and_one_after_another_keep_every_document_intact()
    {
        // Each certificate carries 6 KB of DER (8 KB of base64 in the event; the snapshot leaves it out), so a group of 40
        // outgrows the writer's first 256 KB buffer; three groups in a row reuse it.
        static byte[] Der(int n) => Enumerable.Range(0, 6000).Select(i => (byte)(i * 31 + n)).ToArray();
        await using (var setBased = Writer(_setBasedStore, setBased: true, maxBatch: 40))
        {
            for (var round = 0; round < 3; round++)
            {
                await Task.WhenAll(Enumerable.Range(round * 40, 40).Select(n => setBased.AppendAsync(
                    [new StreamAppend($"big{n:x4}", true, [Issued($"big{n:x4}", $"admin:big-{n}") with { Der = Der(n) }])])));
            }
        }
        await using var reads = _setBasedStore.QuerySession();
        var inventory = new InventoryQueries(_setBasedStore);
        for (var n = 0; n < 120; n++)
        {
            var record = await inventory.GetCertificateAsync($"big{n:x4}");
            Assert.Equal(Der(n), record!.Der);
            var events = await reads.Events.FetchStreamAsync($"big{n:x4}");
            Assert.Equal(Der(n), Assert.IsType<CertificateIssued>(Assert.Single(events).Data).Der);
        }
    }

    [Fact]
    public async Task A_colliding_unit_fails_alone_and_the_rest_of_its_group_commits()
    {
        await using var writer = Writer(_setBasedStore, setBased: true, maxBatch: 64);
        var taken = $"admin:taken-{Guid.NewGuid():N}";
        await writer.AppendAsync([new StreamAppend(taken, true, [Requested(taken)])]);
        using var durations = new MetricCollector<double>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitDuration);

        var units = Enumerable.Range(0, 20).Select(i => $"admin:c{i}-{Guid.NewGuid():N}").ToList();
        var tasks = units.Select(id => writer.AppendAsync([new StreamAppend(id, true, [Requested(id)])])).ToList();
        var collision = writer.AppendAsync([new StreamAppend(taken, true, [Requested(taken)])]);
        await Task.WhenAll(tasks);

        Assert.Equal(taken, (await Assert.ThrowsAsync<StreamCollisionException>(() => collision)).StreamId);
        await using var reads = _setBasedStore.QuerySession();
        foreach (var id in units) Assert.NotNull(await reads.LoadAsync<EnrollmentRecord>(id));
        Assert.Equal(1, (await reads.Events.FetchStreamStateAsync(taken))!.Version);
        Assert.Contains(durations.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "failed") && Equals(m.Tags["path"], StoreMetrics.SetBasedPath));
    }

    [Fact]
    public async Task A_failure_in_a_later_statement_leaves_nothing_of_the_group()
    {
        // A stray snapshot row under the stream's id: the streams and events inserts succeed, the snapshot insert fails.
        var id = $"admin:stray-{Guid.NewGuid():N}";
        await using (var session = _setBasedStore.LightweightSession())
        {
            session.Store(new EnrollmentRecord { Id = id, Status = "Stray" });
            await session.SaveChangesAsync();
        }
        using var durations = new MetricCollector<double>(_meters, StoreMetrics.MeterName, StoreMetrics.CommitDuration);
        await using var writer = Writer(_setBasedStore, setBased: true);

        await writer.AppendAsync([new StreamAppend(id, true, [Requested(id)])]);

        // The set-based commit failed as a whole; the session then committed the unit (its snapshot upserts the row).
        Assert.Equal(["failed|set-based", "committed|session"], durations.GetMeasurementSnapshot().Select(m => $"{m.Tags["outcome"]}|{m.Tags["path"]}"));
        await using var reads = _setBasedStore.QuerySession();
        Assert.Single(await reads.Events.FetchStreamAsync(id));
        Assert.Equal("Requested", (await reads.LoadAsync<EnrollmentRecord>(id))!.Status);
    }

    [Fact]
    public async Task Appends_to_existing_streams_and_revocations_go_through_the_session()
    {
        var writer = NewStreamWriter.TryCreate(_setBasedStore, NullLogger.Instance);
        Assert.NotNull(writer);
        var id = $"admin:{Guid.NewGuid():N}";
        Assert.True(writer.CanWrite([new StreamAppend(id, true, [Requested(id)])]));
        Assert.False(writer.CanWrite([]));
        Assert.False(writer.CanWrite([new StreamAppend(id, false, [new EnrollmentFulfilled(id, "00", T0)])]));
        Assert.False(writer.CanWrite([new StreamAppend(id, true, [Requested(id)], ExpectedVersion: 0)]));
        Assert.False(writer.CanWrite([new StreamAppend(id, true, [])]));
        Assert.False(writer.CanWrite([new StreamAppend(id, true, [Requested(id)]), new StreamAppend("aa", false, [new EnrollmentFulfilled(id, "00", T0)])]));
        Assert.False(writer.CanWrite([new StreamAppend("aa", true, [new CertificateRevoked("aa", "keyCompromise", null, "admin", T0)])]));
        // An enrollment record cannot start from its decision: Marten would build it differently, so the session does.
        Assert.False(writer.CanWrite([new StreamAppend(id, true, [new EnrollmentFulfilled(id, "00", T0)])]));
    }

    [Fact]
    public void Snapshot_folds_follow_only_the_plain_Create_and_Apply_convention()
    {
        foreach (var type in StoreServiceCollectionExtensions.InlineSnapshots) Assert.NotNull(SnapshotFold.For(type));
        Assert.Null(SnapshotFold.For(typeof(WithShouldDelete)));
        Assert.Null(SnapshotFold.For(typeof(WithEventConstructor)));
        Assert.Null(SnapshotFold.For(typeof(WithReturningApply)));
        var fold = SnapshotFold.For(typeof(EnrollmentRecord))!;
        var record = (EnrollmentRecord)fold.Fold([Requested("e:1"), new EnrollmentRejected("e:1", "policy", "bad-name", "no", "san", Rules, T0)]);
        Assert.Equal(("Rejected", "bad-name", "api-key:bootstrap"), (record.Status, record.RejectionReason, record.Requester));
    }

    private sealed class WithShouldDelete
    {
        public static WithShouldDelete Create(EnrollmentRequested e) => new();
        public bool ShouldDelete(EnrollmentRejected e) => true;
    }

    private sealed class WithEventConstructor
    {
        public WithEventConstructor() { }
        public WithEventConstructor(EnrollmentRequested e) { }
        public static WithEventConstructor Create(EnrollmentRequested e) => new();
    }

    private sealed class WithReturningApply
    {
        public static WithReturningApply Create(EnrollmentRequested e) => new();
        public WithReturningApply Apply(EnrollmentRejected e) => new();
    }

    /// <summary>Each row of <paramref name="sql"/> (<c>{0}</c>: the store's schema) as its columns joined by " | " (null as NULL).</summary>
    internal static async Task<List<string>> RowsAsync(DocumentStore store, string sql)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, store.Options.DatabaseSchemaName), connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return rows;
    }
}
