using Gateway.Store.Events;
using Gateway.Store.Records;
using Marten;

namespace Gateway.Store.Tests;

/// <summary>
/// The enrollment's and the issued certificate's events keep their JSON in <c>mt_events.bdata</c>
/// (<see cref="JsonEventPayloads"/>), and rows of the same types written before that change (JSON in <c>data</c>,
/// <c>bdata</c> null) read back alike: through Marten's stream reads, a certificate's DER, and the audit log.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class JsonEventPayloadsTests(EmbeddedPostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = await postgres.NewStoreAsync("payloads");

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static readonly byte[] Der = [0x30, 0x82, 0x01, 0x0a, 0xfb, 0xff, 0x3e];

    private static IReadOnlyList<StreamAppend> Enrollment(string id, string serial) =>
    [
        new StreamAppend(id, true, [
            new EnrollmentRequested(id, "admin", "web-server", "api-key", "bootstrap", id[6..], "CN=Zoë \"quoted\" {braces},O=a+b", ["DNS:a.test"], "EC P-256", null, [0x30, 0x00, 0xfb], T0),
            new EnrollmentApproved(id, "policy", "1", "approval", [new FiredRuleData("approval", "allow", "say \"Audit\":{ in a reason")], T0,
                Audit: new AdminAuditData("api-key:ops", "enrollment.create", "10.0.0.1", 201, null)),
            new EnrollmentFulfilled(id, serial, T0)]),
        new StreamAppend(serial, true, [new CertificateIssued(serial, id, "web-server", "admin", "api-key:ops", "CN=a.test", ["DNS:a.test"], "default",
            "CN=Dev CA", T0.AddMinutes(-5), T0.AddDays(90), "ff00", Der, null, T0, "5pk1", T0.AddDays(100))]),
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Payloads_in_bdata_and_older_rows_in_data_read_back_alike(bool setBased)
    {
        await using (var writer = new GroupCommitWriter(_store,
            Microsoft.Extensions.Options.Options.Create(new GatewayStoreOptions { MaxBatchSize = 8, Writers = 1, SetBasedAppends = setBased }),
            TestMeters.Store(TestMeters.Factory()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<GroupCommitWriter>.Instance))
        {
            await writer.AppendAsync(Enrollment("admin:new", "0a01"));
            await writer.AppendAsync(Enrollment("admin:old", "0a02"));
        }
        // The bytes are the serializer's JSON: valid UTF-8 that PostgreSQL reads as jsonb.
        Assert.Equal(["certificate_issued | 0a01 | True", "enrollment_requested | CN=Zoë \"quoted\" {braces},O=a+b | True"],
            await RowsAsync("select type, coalesce(convert_from(bdata, 'UTF8')::jsonb ->> 'Serial', convert_from(bdata, 'UTF8')::jsonb ->> 'Subject'), data = '{{}}'::jsonb "
                + "from {0}.mt_events where stream_id in ('admin:new', '0a01') and type in ('certificate_issued', 'enrollment_requested') order by type"));

        // One enrollment as an older node wrote it: the same JSON in data, no bdata.
        await RowsAsync("update {0}.mt_events set data = convert_from(bdata, 'UTF8')::jsonb, bdata = null where stream_id in ('admin:old', '0a02')");
        Assert.Equal(["4 | 4"], await RowsAsync("select count(*) filter (where bdata is null), count(*) filter (where bdata is not null) from {0}.mt_events where stream_id like 'admin:%' or stream_id like '0a0%'"));

        await using var session = _store.QuerySession();
        var fresh = await session.Events.FetchStreamAsync("admin:new");
        var old = await session.Events.FetchStreamAsync("admin:old");
        Assert.Equal(fresh.Select(e => e.Data.GetType()), old.Select(e => e.Data.GetType()));
        Assert.Equal(((EnrollmentRequested)fresh[0].Data).Csr, ((EnrollmentRequested)old[0].Data).Csr);
        Assert.Equal(((EnrollmentRequested)fresh[0].Data).Subject, ((EnrollmentRequested)old[0].Data).Subject);
        Assert.Equal(((EnrollmentApproved)fresh[1].Data).Rules, ((EnrollmentApproved)old[1].Data).Rules);
        Assert.Equal(Der, ((CertificateIssued)(await session.Events.FetchStreamAsync("0a02"))[0].Data).Der);

        var inventory = new InventoryQueries(_store);
        Assert.Equal(Der, (await inventory.GetCertificateAsync("0a01"))!.Der);
        Assert.Equal(Der, (await inventory.GetCertificateAsync("0a02"))!.Der);

        // The audit log: both decisions carry their entry; a reason that spells the member's name is no entry of its own.
        var (items, total) = await new AdminAuditQueries(_store).QueryAsync(new AdminAuditFilter(null, null, null, null, 0, 10));
        Assert.Equal(2, total);
        Assert.Equal(["admin:new", "admin:old"], items.Select(i => i.Target).Order());
        Assert.All(items, i => Assert.Equal(("api-key:ops", "10.0.0.1", 201), (i.Actor, i.ClientAddress, i.Status)));
    }

    [Fact]
    public async Task A_decision_without_an_entry_whose_reason_names_one_is_not_an_audit_entry()
    {
        await using (var writer = EmbeddedPostgresFixture.NewWriter(_store))
        {
            await writer.AppendAsync([new StreamAppend("est:x", true, [
                new EnrollmentRequested("est:x", "est", "iot-device", "client-certificate", "dev", "x", "CN=x", [], "EC P-256", null, [0x30, 0x00], T0),
                new EnrollmentApproved("est:x", "policy", "1", null, [new FiredRuleData("r", "allow", "\"Audit\":{\"Actor\":\"x\"}")], T0)])]);
        }
        var (items, total) = await new AdminAuditQueries(_store).QueryAsync(new AdminAuditFilter(null, null, null, null, 0, 10));
        Assert.Equal(0, total);
        Assert.Empty(items);
    }

    private Task<List<string>> RowsAsync(string sql) => NewStreamWriterTests.RowsAsync(_store, sql);
}
