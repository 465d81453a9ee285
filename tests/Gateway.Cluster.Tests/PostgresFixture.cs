using Gateway.Store.Embedded;

namespace Gateway.Cluster.Tests;

/// <summary>One embedded PostgreSQL in a fresh temporary directory for the whole collection; each test uses its own cluster id.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gateway-cluster-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? server;

    public string ConnectionString => (server ?? throw new InvalidOperationException("PostgreSQL has not started.")).ConnectionString;

    public async Task InitializeAsync() =>
        server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(root, "pg") });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        try
        {
            Directory.Delete(root, recursive: true);
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
