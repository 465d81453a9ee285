using System.Diagnostics;
using Gateway.Hosting.Postgres;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Store.Tests;

/// <summary>One embedded PostgreSQL in a fresh temporary directory for a whole test collection.</summary>
public sealed class EmbeddedPostgresFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gateway-store-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? _server;

    public EmbeddedPostgresTestLogger Logger { get; } = new();

    public EmbeddedPostgres Server => _server ?? throw new InvalidOperationException("The embedded PostgreSQL has not started.");

    public string DataDirectory => Path.Combine(_root, "pg");

    public TimeSpan StartTime { get; private set; }

    /// <summary>A fresh schema name, <paramref name="prefix"/>_&lt;random&gt;, so tests never see each other's rows.</summary>
    public static string NewSchema(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A Marten store configured as the gateway's, in a fresh schema (see <see cref="NewSchema"/>).</summary>
    public Task<DocumentStore> NewStoreAsync(string prefix) => OpenStoreAsync(NewSchema(prefix));

    /// <summary>A Marten store configured as the gateway's in <paramref name="schema"/>, its objects created or updated.</summary>
    public async Task<DocumentStore> OpenStoreAsync(string schema)
    {
        var store = DocumentStore.For(o =>
        {
            o.Connection(Server.ConnectionString);
            StoreServiceCollectionExtensions.ConfigureMarten(o, schema);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    /// <summary>The group-commit writer the tests use: batches of up to 64, two writers.</summary>
    public static GroupCommitWriter NewWriter(DocumentStore store, StoreMetrics? metrics = null) =>
        new(store, Options.Create(new GatewayStoreOptions { MaxBatchSize = 64, Writers = 2 }), metrics ?? TestMeters.Store(),
            TimeProvider.System, NullLogger<GroupCommitWriter>.Instance);

    public async Task InitializeAsync()
    {
        var sw = Stopwatch.StartNew();
        _server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, Logger);
        StartTime = sw.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
