using System.Diagnostics;
using Gateway.Store.Embedded;

namespace Gateway.Store.Tests;

/// <summary>One embedded PostgreSQL in a fresh temporary directory for a whole test collection.</summary>
public sealed class EmbeddedPostgresFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gateway-store-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgres? server;

    public EmbeddedPostgresTestLogger Logger { get; } = new();

    public EmbeddedPostgres Server => server ?? throw new InvalidOperationException("The embedded PostgreSQL has not started.");

    public string DataDirectory => Path.Combine(root, "pg");

    public TimeSpan StartTime { get; private set; }

    public async Task InitializeAsync()
    {
        var sw = Stopwatch.StartNew();
        server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, Logger);
        StartTime = sw.Elapsed;
    }

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
