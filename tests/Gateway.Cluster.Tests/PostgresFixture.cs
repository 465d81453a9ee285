using Gateway.Hosting.Postgres;

namespace Gateway.Cluster.Tests;

/// <summary>One embedded PostgreSQL in a fresh temporary directory for the whole collection; each test uses its own cluster id.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gateway-cluster-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("PostgreSQL has not started.")).ConnectionString;

    public async Task InitializeAsync() =>
        _server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(_root, "pg") });

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

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
