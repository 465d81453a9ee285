// Store-level A/B of the enrollment write path, on the embedded PostgreSQL (Release build):
//
//   dotnet run -c Release --project load-tests/Gateway.StoreBench -- [units=4000] [preload=20000] [rounds=3] [callers=64]
//
// Each round commits `units` issuance units (enrollment stream: requested + approved + fulfilled; certificate stream:
// issued) through the group-commit writer from `callers` concurrent callers, into two fresh schemas preloaded with
// `preload` certificates: "baseline" (the certificate columns the store had before: notAfter, status, profile,
// issuedAt) and "current" (StoreServiceCollectionExtensions.ConfigureMarten: + certificate SPKI hash, + enrollment
// requestedAt/status/profile/requester). Variants alternate within a round so machine load hits both alike. Then it
// times the duplicate-key lookup (EnrollmentQueries.FindValidByKeyAsync) and shows its plan.
using System.Diagnostics;
using System.Globalization;
using Gateway.Store;
using Gateway.Hosting.Postgres;
using Gateway.Store.Events;
using Gateway.Store.Records;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

var units = Arg(0, 4000);
var preload = Arg(1, 20000);
var rounds = Arg(2, 3);
var callers = Arg(3, 64);
var dir = Path.Combine(Path.GetTempPath(), "gateway-storebench-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine($"units {units}, preload {preload}, rounds {rounds}, callers {callers}; {Environment.ProcessorCount} cores; loadavg {File.ReadAllText("/proc/loadavg").Trim()}");
await using var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(dir, "pg") });
try
{
    var results = new Dictionary<string, List<double>> { ["baseline"] = [], ["current"] = [] };
    for (var round = 1; round <= rounds; round++)
    {
        foreach (var variant in round % 2 == 1 ? new[] { "baseline", "current" } : ["current", "baseline"])
        {
            var rate = await MeasureWritesAsync(pg.ConnectionString, variant, $"b_{variant}_{round}", units, preload, callers);
            results[variant].Add(rate);
            Console.WriteLine($"round {round} {variant,-8} {rate,8:0} enrollments/s committed   (loadavg {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        }
    }
    foreach (var (variant, rates) in results)
    {
        Console.WriteLine($"{variant,-8} median {Median(rates),8:0} enrollments/s  [{string.Join(", ", rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}]");
    }
    await MeasureLookupAsync(pg.ConnectionString, preload);
}
finally
{
    await pg.StopAsync();
    try { Directory.Delete(dir, true); } catch (IOException) { }
}
return 0;

int Arg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;

static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }

static DocumentStore Store(string connectionString, string variant, string schema) => DocumentStore.For(o =>
{
    o.Connection(connectionString);
    if (variant == "current")
    {
        StoreServiceCollectionExtensions.ConfigureMarten(o, schema);
        return;
    }
    // The configuration before the enrollment pipeline's columns (git show c649234:src/Gateway.Store/StoreServiceCollectionExtensions.cs).
    o.DatabaseSchemaName = schema;
    o.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    o.Events.StreamIdentity = StreamIdentity.AsString;
    o.Projections.Snapshot<CertificateRecord>(SnapshotLifecycle.Inline);
    o.Projections.Snapshot<EnrollmentRecord>(SnapshotLifecycle.Inline);
    o.Schema.For<CertificateRecord>().Duplicate(x => x.NotAfter).Duplicate(x => x.Status).Duplicate(x => x.Profile).Duplicate(x => x.IssuedAt);
});

static IReadOnlyList<StreamAppend> Unit(int i, string tag, DateTimeOffset at)
{
    var id = $"est:{tag}-{i}";
    var serial = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    var spki = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
    var der = new byte[600];
    var csr = new byte[400];
    FiredRuleData[] rules = [new("protocols", "allow", "Protocol EST is allowed"), new("authentication", "allow", "ok"), new("keys.algorithm", "allow", "EC P-256"),
        new("san.dns.allow", "allow", "dev.test allowed"), new("validity", "allow", "1y"), new("approval", "allow", "Approved automatically")];
    return
    [
        new StreamAppend(id, true, [
            new EnrollmentRequested(id, "est", "iot-device", "client-certificate", $"CN=dev-{i % 500}.test", id, $"CN=dev-{i}.test", [$"DNS:dev-{i}.test"], "EC P-256", null, csr, at),
            new EnrollmentApproved(id, "policy", "1", "approval", rules, at),
            new EnrollmentFulfilled(id, serial, at),
        ]),
        new StreamAppend(serial, true, [
            new CertificateIssued(serial, id, "iot-device", "est", $"client-certificate:CN=dev-{i % 500}.test", $"CN=dev-{i}.test", [$"DNS:dev-{i}.test"],
                "default", "CN=Gateway Dev Issuing CA", at.AddMinutes(-5), at.AddDays(365), new string('f', 64), der, null, at, spki),
        ]),
    ];
}

static async Task<double> MeasureWritesAsync(string connectionString, string variant, string schema, int units, int preload, int callers)
{
    using var store = Store(connectionString, variant, schema);
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    await using var writer = new GroupCommitWriter(store, Options.Create(new GatewayStoreOptions()), NewMetrics(), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);
    var now = DateTimeOffset.UtcNow;
    await RunAsync(writer, preload, callers, "pre", now);
    var sw = Stopwatch.StartNew();
    await RunAsync(writer, units, callers, "m", now);
    return units / sw.Elapsed.TotalSeconds;
}

// The writer's instruments, on a meter factory of their own (nothing listens in this bench).
static StoreMetrics NewMetrics() =>
    new(new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider()
        .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

static async Task RunAsync(GroupCommitWriter writer, int count, int callers, string tag, DateTimeOffset now)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count) await writer.AppendAsync(Unit(i, tag, now));
    }));
}

static async Task MeasureLookupAsync(string connectionString, int preload)
{
    const string schema = "b_lookup";
    using var store = Store(connectionString, "current", schema);
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    await using (var writer = new GroupCommitWriter(store, Options.Create(new GatewayStoreOptions()), NewMetrics(), TimeProvider.System, NullLogger<GroupCommitWriter>.Instance))
    {
        await RunAsync(writer, preload, 64, "k", DateTimeOffset.UtcNow);
    }
    var queries = new EnrollmentQueries(store, new StreamProbe(store));
    var now = DateTimeOffset.UtcNow;
    const int Lookups = 2000;
    for (var i = 0; i < 200; i++) await queries.FindValidByKeyAsync(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), now);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < Lookups; i++) await queries.FindValidByKeyAsync(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), now);
    Console.WriteLine($"duplicate-key lookup (allowReuse: false only): {sw.Elapsed.TotalMicroseconds / Lookups:0} µs per lookup, sequential, over {preload} certificates");

    // The same query as Marten sends it, explained.
    await using var session = store.QuerySession();
    var spki = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    var command = session.Query<CertificateRecord>()
        .Where(x => x.SpkiSha256 == spki && x.Status == "Valid" && x.NotAfter > now)
        .OrderByDescending(x => x.IssuedAt).Take(20).ToCommand();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var explain = new NpgsqlCommand("EXPLAIN ANALYZE " + command.CommandText, connection);
    foreach (NpgsqlParameter p in command.Parameters) explain.Parameters.Add(p.Clone());
    await using var reader = await explain.ExecuteReaderAsync();
    while (await reader.ReadAsync()) Console.WriteLine("  " + reader.GetString(0));
}
