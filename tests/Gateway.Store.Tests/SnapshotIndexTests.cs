using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;
using Marten.Services;
using Npgsql;

namespace Gateway.Store.Tests;

/// <summary>
/// The indexes of the enrollment and certificate tables: exactly the intended set (no index on the enrollment's
/// profile, status indexes partial on the rare statuses), and every query for a rare status, as Marten sends it, planned
/// on the partial index, with a generic plan (prepared statements) as with a custom one.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class SnapshotIndexTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private const string EnrollmentStatusIndex = "mt_doc_enrollmentrecord_idx_status";
    private const string CertificateStatusIndex = "mt_doc_certificaterecord_idx_status";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int Rows = 10_000;
    /// <summary>One row in this many has each rare status (0.8 % of the enrollments, 0.6 % of the certificates in all).</summary>
    private const int Every = 500;

    private readonly CommandCapture _sent = new();
    private DocumentStore _store = null!;

    /// <summary>The intended indexes of the two tables, as PostgreSQL reports them (schema written as <c>{0}</c>).</summary>
    public static readonly string[] IntendedIndexes =
    [
        "CREATE INDEX mt_doc_certificaterecord_idx_issued_at ON {0}.mt_doc_certificaterecord USING btree (issued_at)",
        "CREATE INDEX mt_doc_certificaterecord_idx_not_after ON {0}.mt_doc_certificaterecord USING btree (not_after)",
        "CREATE INDEX mt_doc_certificaterecord_idx_profile ON {0}.mt_doc_certificaterecord USING btree (profile)",
        "CREATE INDEX mt_doc_certificaterecord_idx_spki_sha_256 ON {0}.mt_doc_certificaterecord USING btree (spki_sha_256)",
        "CREATE INDEX mt_doc_certificaterecord_idx_status ON {0}.mt_doc_certificaterecord USING btree (status) WHERE ((status)::text <> 'Valid'::text)",
        "CREATE INDEX mt_doc_enrollmentrecord_idx_requested_at ON {0}.mt_doc_enrollmentrecord USING btree (requested_at)",
        "CREATE INDEX mt_doc_enrollmentrecord_idx_requester ON {0}.mt_doc_enrollmentrecord USING btree (requester)",
        "CREATE INDEX mt_doc_enrollmentrecord_idx_status ON {0}.mt_doc_enrollmentrecord USING btree (status) WHERE ((status)::text <> 'Issued'::text)",
        "CREATE UNIQUE INDEX mt_doc_enrollmentrecord_idx_request_key ON {0}.mt_doc_enrollmentrecord USING btree (request_key) WHERE (request_key IS NOT NULL)",
        "CREATE UNIQUE INDEX pkey_mt_doc_certificaterecord_id ON {0}.mt_doc_certificaterecord USING btree (id)",
        "CREATE UNIQUE INDEX pkey_mt_doc_enrollmentrecord_id ON {0}.mt_doc_enrollmentrecord USING btree (id)",
    ];

    /// <summary>The enrollment table's columns, in order: the set-based writer requires exactly Marten's, in the order existing tables have.</summary>
    public static readonly string[] EnrollmentColumns =
        ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version", "requested_at", "status", "profile", "requester", "request_key"];

    /// <summary>The certificate table's columns, in order.</summary>
    public static readonly string[] CertificateColumns =
        ["id", "data", "mt_last_modified", "mt_dotnet_type", "mt_version", "not_after", "status", "profile", "issued_at", "spki_sha_256"];

    public async Task InitializeAsync()
    {
        var schema = EmbeddedPostgresFixture.NewSchema("ix");
        _store = DocumentStore.For(o =>
        {
            o.Connection(postgres.Server.ConnectionString);
            StoreServiceCollectionExtensions.ConfigureMarten(o, schema);
            o.Logger(_sent);
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        // Rows of each, one in Every of each rare status; every third of the web-server profile.
        await _store.BulkInsertDocumentsAsync(Enumerable.Range(0, Rows).Select(i => new EnrollmentRecord
        {
            Id = $"est:{i:d5}",
            Protocol = "est",
            Profile = i % 3 == 0 ? "web-server" : "iot-device",
            Requester = $"http-basic:dev-{i % 50}",
            RequestedAt = T0.AddMinutes(i),
            Status = (i % Every) switch { 1 => "Pending", 2 => "Rejected", 3 => "AwaitingConfirmation", 4 => "ConfirmationRefused", _ => "Issued" },
            ConfirmBy = i % Every == 3 ? T0.AddMinutes(i + 5) : null,
        }).ToList());
        await _store.BulkInsertDocumentsAsync(Enumerable.Range(0, Rows).Select(i => new CertificateRecord
        {
            Id = $"{i:x8}",
            Serial = $"{i:x8}",
            Profile = i % 3 == 0 ? "web-server" : "iot-device",
            IssuerId = i % 2 == 0 ? "" : "other",
            IssuedAt = T0.AddMinutes(i),
            // Half of the revoked (i % (2 * Every) == 1) and some valid ones (i % (2 * Every) == 5) expire after an hour.
            NotAfter = i % (2 * Every) is 1 or 5 ? T0.AddHours(1) : T0.AddDays(365).AddMinutes(i),
            Status = (i % Every) switch { 1 => "Revoked", 2 => "OnHold", 3 => "Expired", _ => "Valid" },
        }).ToList());
        await ExecuteAsync(_store, "analyze {0}.mt_doc_enrollmentrecord; analyze {0}.mt_doc_certificaterecord");
        _sent.Clear();
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_snapshot_tables_have_exactly_the_intended_indexes_and_columns()
    {
        Assert.Equal(IntendedIndexes.Select(i => string.Format(CultureInfo.InvariantCulture, i, _store.Options.DatabaseSchemaName)), await IndexesAsync(_store));
        Assert.Equal(EnrollmentColumns, await ColumnsAsync(_store, "mt_doc_enrollmentrecord"));
        Assert.Equal(CertificateColumns, await ColumnsAsync(_store, "mt_doc_certificaterecord"));
        // Only the rows of a rare status have an entry (as counted by ANALYZE): 4 statuses of enrollments, 3 of certificates.
        Assert.Equal([$"{4 * Rows / Every}", $"{3 * Rows / Every}"], await QueryAsync(_store,
            $"select c.reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '{{0}}' and c.relname in ('{EnrollmentStatusIndex}', '{CertificateStatusIndex}') order by c.relname desc"));
    }

    [Fact]
    public async Task Enrollment_queries_for_a_rare_status_use_the_partial_index()
    {
        var dashboard = new DashboardQueries(_store);
        var queries = new EnrollmentQueries(_store, new EnrollmentProbe(_store, postgres.Server.ConnectionString));

        Assert.Equal(Rows / Every, await dashboard.PendingApprovalsAsync());
        await AssertPlansUseAsync(EnrollmentStatusIndex);

        var (pending, total) = await queries.QueryAsync(new EnrollmentFilter(Statuses: ["Pending"], Take: 10));
        Assert.Equal(Rows / Every, total);
        Assert.Equal(Newest(i => i % Every == 1).Take(10).Select(EnrollmentId), pending.Select(e => e.Id));
        await AssertPlansUseAsync(EnrollmentStatusIndex, commands: 2);

        var (rejected, rejectedTotal) = await queries.QueryAsync(new EnrollmentFilter(Statuses: ["Rejected", "ConfirmationRefused"], Profile: "WEB-SERVER", Take: 100));
        var expected = Newest(i => i % Every is 2 or 4 && i % 3 == 0).Select(EnrollmentId).ToList();
        Assert.Equal(expected.Count, rejectedTotal);
        Assert.Equal(expected, rejected.Select(e => e.Id));
        await AssertPlansUseAsync(EnrollmentStatusIndex, commands: 2);

        var unconfirmed = await queries.FindUnconfirmedAsync(T0.AddMinutes(Rows / 2), 100);
        Assert.Equal(Newest(i => i % Every == 3 && i + 5 <= Rows / 2).Reverse().Select(EnrollmentId), unconfirmed);
        await AssertPlansUseAsync(EnrollmentStatusIndex);

        var rejections = await dashboard.RecentRejectionsAsync(T0.AddMinutes(Rows / 5), 10);
        Assert.Equal(Newest(i => i % Every == 2 && i >= Rows / 5).Take(10).Select(EnrollmentId), rejections.Select(e => e.Id));
        await AssertPlansUseAsync(EnrollmentStatusIndex);
    }

    [Fact]
    public async Task Certificate_queries_for_a_rare_status_use_the_partial_index()
    {
        var inventory = new InventoryQueries(_store);
        var revocations = new RevocationQueries(_store);

        var (revoked, total) = await inventory.QueryCertificatesAsync(new CertificateFilter(Statuses: ["Revoked"], Take: 5));
        Assert.Equal(Rows / Every, total);
        Assert.Equal(Newest(i => i % Every == 1).Take(5).Select(Serial), revoked.Select(c => c.Id));
        await AssertPlansUseAsync(CertificateStatusIndex, commands: 2);

        var (held, heldTotal) = await inventory.QueryCertificatesAsync(new CertificateFilter(Statuses: ["OnHold"], Profile: "web-server", Take: 100));
        var expected = Newest(i => i % Every == 2 && i % 3 == 0).Select(Serial).ToList();
        Assert.Equal(expected.Count, heldTotal);
        Assert.Equal(expected, held.Select(c => c.Id));
        await AssertPlansUseAsync(CertificateStatusIndex, commands: 2);

        // The CRL: revoked or on hold, not expired, of the issuer (the default one also counts the empty issuer id).
        // Certificates of issuer "other" are the odd ones: revoked (i % Every == 1), half of them expired.
        var onCrl = await revocations.GetRevokedAsync("other", isDefaultIssuer: false, T0.AddDays(2));
        Assert.Equal(Newest(i => i % (2 * Every) == Every + 1).Reverse().Select(Serial), onCrl.Select(c => c.Serial));
        await AssertPlansUseAsync(CertificateStatusIndex);
        // The default issuer's (recorded with an empty issuer id) are the even ones: on hold (i % Every == 2).
        var onDefaultCrl = await revocations.GetRevokedAsync("default", isDefaultIssuer: true, T0.AddDays(2));
        Assert.Equal(Newest(i => i % Every == 2).Reverse().Select(Serial), onDefaultCrl.Select(c => c.Serial));
        await AssertPlansUseAsync(CertificateStatusIndex);
    }

    [Fact]
    public async Task Queries_for_the_common_status_still_return_every_row()
    {
        var queries = new EnrollmentQueries(_store, new EnrollmentProbe(_store, postgres.Server.ConnectionString));
        var inventory = new InventoryQueries(_store);

        var (issued, total) = await queries.QueryAsync(new EnrollmentFilter(Statuses: ["Issued"], Take: 3));
        Assert.Equal(Rows - 4 * Rows / Every, total);
        Assert.Equal(Newest(i => i % Every > 4).Take(3).Select(EnrollmentId), issued.Select(e => e.Id));
        var (mixed, mixedTotal) = await queries.QueryAsync(new EnrollmentFilter(Statuses: ["Issued", "Pending"], Take: 3));
        Assert.Equal(Rows - 3 * Rows / Every, mixedTotal);
        Assert.Equal(Newest(i => i % Every is 1 or > 4).Take(3).Select(EnrollmentId), mixed.Select(e => e.Id));
        Assert.All(_sent.Take(), c => Assert.DoesNotContain("<> 'Issued'", c.Sql, StringComparison.Ordinal));

        var (valid, validTotal) = await inventory.QueryCertificatesAsync(new CertificateFilter(Statuses: ["Valid"], Take: 2));
        Assert.Equal(Rows - 3 * Rows / Every, validTotal);
        Assert.Equal(Newest(i => i % Every > 3).Take(2).Select(Serial), valid.Select(c => c.Id));
        // Expired as the admin API asks: still Valid or marked Expired, past notAfter (the revoked ones are not).
        var (expired, expiredTotal) = await inventory.QueryCertificatesAsync(new CertificateFilter(Statuses: ["Valid", "Expired"], NotAfterBefore: T0.AddDays(2), Take: 100));
        Assert.Equal(Rows / (2 * Every), expiredTotal);
        Assert.Equal(Newest(i => i % (2 * Every) == 5).Select(Serial), expired.Select(c => c.Id));
        Assert.All(_sent.Take(), c => Assert.DoesNotContain("<> 'Valid'", c.Sql, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_predicate_in_the_text_a_generic_plan_cannot_use_the_partial_index()
    {
        // Why the queries carry `d.status <> 'Issued'` as text: from `status = $1` alone a custom plan, which sees the
        // value, can prove the index's predicate; a generic plan, which PostgreSQL may settle on for a prepared
        // statement (and the store's connections prepare repeated ones), cannot, and scans the table.
        await using (var session = _store.QuerySession())
        {
            Assert.Equal(Rows / Every, await session.Query<EnrollmentRecord>().Where(x => x.Status == "Pending").CountAsync());
        }
        var (sql, values) = Assert.Single(_sent.Take());
        Assert.DoesNotContain("<>", sql, StringComparison.Ordinal);
        AssertUses(await ExplainAsync(sql, values, generic: false), EnrollmentStatusIndex);
        Assert.Contains("Seq Scan on mt_doc_enrollmentrecord", await ExplainAsync(sql, values, generic: true), StringComparison.Ordinal);
    }

    /// <summary>The row numbers matching <paramref name="match"/>, newest (highest) first.</summary>
    private static IEnumerable<int> Newest(Func<int, bool> match) => Enumerable.Range(0, Rows).Where(match).OrderDescending();

    private static string EnrollmentId(int i) => $"est:{i:d5}";

    private static string Serial(int i) => $"{i:x8}";

    /// <summary>The commands sent since the last call (<paramref name="commands"/> of them) are planned on <paramref name="index"/>, generic and custom.</summary>
    private async Task AssertPlansUseAsync(string index, int commands = 1)
    {
        // A page of certificate records also reads their DER from the certificate_issued events (CertificateDer); that
        // query is not the snapshot table's.
        var sent = _sent.Take().Where(c => !c.Sql.Contains("mt_events", StringComparison.Ordinal)).ToList();
        Assert.Equal(commands, sent.Count);
        foreach (var (sql, values) in sent)
        {
            Assert.Contains("d.status <> '", sql, StringComparison.Ordinal);
            AssertUses(await ExplainAsync(sql, values, generic: true), index);
            AssertUses(await ExplainAsync(sql, values, generic: false), index);
        }
    }

    private static void AssertUses(string plan, string index)
    {
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.True(Regex.IsMatch(plan, $@"(Index Scan|Index Only Scan|Index Scan Backward) using {index} on|Bitmap Index Scan on {index}\b"), $"The plan does not use {index}:\n{plan}");
    }

    /// <summary>
    /// The plan of <paramref name="sql"/> (as Marten sent it, <c>$n</c> parameters) prepared, with the generic plan
    /// (what a prepared statement may settle on) or a custom one (planned for these values).
    /// </summary>
    private async Task<string> ExplainAsync(string sql, object?[] values, bool generic)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var name = "q_" + Guid.NewGuid().ToString("N");
        var mode = generic ? "force_generic_plan" : "force_custom_plan";
        await using (var set = new NpgsqlCommand($"set plan_cache_mode = {mode}", connection)) await set.ExecuteNonQueryAsync();
        await using (var prepare = new NpgsqlCommand($"prepare {name} as {sql.Trim().TrimEnd(';')}", connection)) await prepare.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand($"explain (costs off) execute {name}({string.Join(", ", values.Select(Literal))})", connection);
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        string[] a => Quote("{" + string.Join(',', a.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "}"),
        DateTimeOffset t => Quote(t.ToString("O", CultureInfo.InvariantCulture)),
        DateTime t => Quote(t.ToString("O", CultureInfo.InvariantCulture)),
        bool b => b ? "true" : "false",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => throw new NotSupportedException($"A parameter of type {value.GetType()}"),
    };

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The definitions of the two tables' indexes, ordered.</summary>
    public static Task<List<string>> IndexesAsync(DocumentStore store) => QueryAsync(store,
        "select indexdef from pg_indexes where schemaname = '{0}' and tablename in ('mt_doc_enrollmentrecord', 'mt_doc_certificaterecord') order by indexdef");

    public static Task<List<string>> ColumnsAsync(DocumentStore store, string table) => QueryAsync(store,
        $"select column_name from information_schema.columns where table_schema = '{{0}}' and table_name = '{table}' order by ordinal_position");

    public static async Task<List<string>> QueryAsync(DocumentStore store, string sql)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, sql, store.Options.DatabaseSchemaName), connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        return rows;
    }

    private static async Task ExecuteAsync(DocumentStore store, string sql) => await QueryAsync(store, sql);

    /// <summary>The statements Marten sends, with their parameter values.</summary>
    private sealed class CommandCapture : IMartenLogger, IMartenSessionLogger
    {
        private readonly List<(string Sql, object?[] Values)> _commands = [];

        public List<(string Sql, object?[] Values)> Take()
        {
            lock (_commands)
            {
                var taken = _commands.ToList();
                _commands.Clear();
                return taken;
            }
        }

        public void Clear() => Take();

        public IMartenSessionLogger StartSession(IQuerySession session) => this;
        public void SchemaChange(string sql) { }
        public void LogSuccess(NpgsqlCommand command) => Add(command.CommandText, command.Parameters);
        public void LogSuccess(NpgsqlBatch batch)
        {
            foreach (var command in batch.BatchCommands) Add(command.CommandText, command.Parameters);
        }
        public void LogFailure(NpgsqlCommand command, Exception ex) { }
        public void LogFailure(NpgsqlBatch batch, Exception ex) { }
        public void LogFailure(Exception ex, string message) { }
        public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }
        public void OnBeforeExecute(NpgsqlCommand command) { }
        public void OnBeforeExecute(NpgsqlBatch batch) { }

        private void Add(string sql, System.Data.Common.DbParameterCollection parameters)
        {
            lock (_commands) _commands.Add((sql, parameters.Cast<NpgsqlParameter>().Select(p => p.Value).ToArray()));
        }
    }
}

/// <summary>
/// A store created with the earlier mapping (an index on the enrollment's profile, full status indexes) ends, once the
/// gateway's configuration is applied over it, with exactly the intended indexes, its columns unchanged, and set-based
/// appends still on.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class SnapshotIndexUpgradeTests(EmbeddedPostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The gateway's Marten configuration before the indexes changed (ConfigureMarten as it was).</summary>
    private static void EarlierMapping(StoreOptions opts, string schema)
    {
        opts.DatabaseSchemaName = schema;
        opts.AutoCreateSchemaObjects = JasperFx.AutoCreate.CreateOrUpdate;
        opts.Events.StreamIdentity = JasperFx.Events.StreamIdentity.AsString;
        if (opts.Serializer() is SystemTextJsonSerializer json)
        {
            json.Configure(o => o.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        }
        var inline = typeof(SnapshotIndexUpgradeTests).GetMethod(nameof(Inline), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var record in StoreServiceCollectionExtensions.InlineSnapshots) inline.MakeGenericMethod(record).Invoke(null, [opts]);
        opts.Schema.For<QuotaSlotRecord>().Duplicate(x => x.Key);
        opts.Schema.For<CertificateRecord>()
            .Duplicate(x => x.NotAfter)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Profile)
            .Duplicate(x => x.IssuedAt)
            .Duplicate(x => x.SpkiSha256!);
        opts.Schema.For<EnrollmentRecord>()
            .Duplicate(x => x.RequestedAt)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Profile)
            .Duplicate(x => x.Requester);
        opts.Schema.For<AcmeOrderRecord>().Duplicate(x => x.AccountId).Duplicate(x => x.Replaces!);
        opts.Schema.For<CredentialRecord>()
            .Duplicate(x => x.Profile)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.CreatedAt);
    }

    private static void Inline<T>(StoreOptions opts) where T : class => opts.Projections.Snapshot<T>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);

    private static EnrollmentRequested Requested(string id) =>
        new(id, "est", "iot-device", "http-basic", "dev-1", id, "CN=dev-1.test", ["DNS:dev-1.test"], "EC P-256", null, [0x30, 0x03, 0x02, 0x01, 0x00], T0);

    private static CertificateIssued Issued(string serial, string enrollmentId) =>
        new(serial, enrollmentId, "iot-device", "est", "http-basic:dev-1", "CN=dev-1.test", ["DNS:dev-1.test"], "default", "CN=Issuing",
            T0, T0.AddDays(365), new string('a', 64), [0x30, 0x00], null, T0, new string('b', 64));

    private static FiredRuleData[] Rules => [new("approval", "pending", "approval pending")];

    [Fact]
    public async Task A_store_with_the_earlier_indexes_ends_with_exactly_the_intended_ones_and_set_based_appends_on()
    {
        var schema = EmbeddedPostgresFixture.NewSchema("ixup");
        string[] columnsBefore;
        using (var before = DocumentStore.For(o =>
        {
            o.Connection(postgres.Server.ConnectionString);
            EarlierMapping(o, schema);
        }))
        {
            await before.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            // The earlier state, as it is on the databases to upgrade.
            Assert.Equal(
                [
                    $"CREATE INDEX mt_doc_certificaterecord_idx_status ON {schema}.mt_doc_certificaterecord USING btree (status)",
                    $"CREATE INDEX mt_doc_enrollmentrecord_idx_profile ON {schema}.mt_doc_enrollmentrecord USING btree (profile)",
                    $"CREATE INDEX mt_doc_enrollmentrecord_idx_status ON {schema}.mt_doc_enrollmentrecord USING btree (status)",
                ],
                (await SnapshotIndexTests.IndexesAsync(before)).Where(i => i.Contains("_idx_status ", StringComparison.Ordinal) || i.Contains("enrollmentrecord_idx_profile", StringComparison.Ordinal)));
            // The request key is the one column the upgrade adds, last, to the enrollment table.
            columnsBefore = [.. await SnapshotIndexTests.ColumnsAsync(before, "mt_doc_enrollmentrecord"), "request_key", .. await SnapshotIndexTests.ColumnsAsync(before, "mt_doc_certificaterecord")];
            await using var session = before.LightweightSession();
            session.Events.StartStream("est:old-pending", Requested("est:old-pending"), new EnrollmentPending("est:old-pending", "approval", "1", Rules, T0));
            session.Events.StartStream("est:old-issued", Requested("est:old-issued"), new EnrollmentApproved("est:old-issued", "policy", "1", null, Rules, T0),
                new EnrollmentFulfilled("est:old-issued", "0a0a", T0));
            session.Events.StartStream("0a0a", Issued("0a0a", "est:old-issued"), new CertificateRevoked("0a0a", "keyCompromise", null, "admin", T0));
            await session.SaveChangesAsync();
        }

        // As the gateway starts: its configuration, schema changes applied (ApplyAllDatabaseChangesOnStartup).
        using var after = await postgres.OpenStoreAsync(schema);
        Assert.Equal(SnapshotIndexTests.IntendedIndexes.Select(i => string.Format(CultureInfo.InvariantCulture, i, schema)), await SnapshotIndexTests.IndexesAsync(after));
        string[] columnsAfter = [.. await SnapshotIndexTests.ColumnsAsync(after, "mt_doc_enrollmentrecord"), .. await SnapshotIndexTests.ColumnsAsync(after, "mt_doc_certificaterecord")];
        Assert.Equal(columnsBefore, columnsAfter);
        // Nothing left to change: the next start rebuilds no index.
        Assert.Equal(Weasel.Core.SchemaPatchDifference.None, (await after.Storage.Database.CreateMigrationAsync()).Difference);

        var writer = NewStreamWriter.TryCreate(after, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.NotNull(writer);
        IReadOnlyList<StreamAppend> unit = [new StreamAppend("est:new-pending", true, [Requested("est:new-pending"), new EnrollmentPending("est:new-pending", "approval", "1", Rules, T0)])];
        Assert.True(writer.CanWrite(unit));
        Assert.True(await writer.WriteAsync([unit], T0));

        // Rows written before and after the upgrade, found through the new indexes.
        Assert.Equal(2, await new DashboardQueries(after).PendingApprovalsAsync());
        var (revoked, total) = await new InventoryQueries(after).QueryCertificatesAsync(new CertificateFilter(Statuses: ["Revoked"]));
        Assert.Equal((1, "0a0a"), (total, revoked.Single().Id));
        var (issued, _) = await new EnrollmentQueries(after, new EnrollmentProbe(after, postgres.Server.ConnectionString)).QueryAsync(new EnrollmentFilter(Statuses: ["Issued"], Profile: "IOT-DEVICE"));
        Assert.Equal("est:old-issued", issued.Single().Id);
        // An enrollment recorded before request keys (its id is its key) is found by that key.
        await using var probe = new EnrollmentProbe(after, postgres.Server.ConnectionString);
        Assert.Equal("est:old-issued", await probe.ResolveAsync("est:old-issued"));
    }
}
