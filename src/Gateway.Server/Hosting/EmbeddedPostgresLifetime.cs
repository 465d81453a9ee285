using Gateway.Hosting.Postgres;

namespace Gateway.Server.Hosting;

/// <summary>
/// Stops the embedded PostgreSQL when the host stops. Registered before every other hosted service, so it stops
/// after them (the silo and the store drain first).
/// </summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgres? postgres) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => postgres?.StopAsync() ?? Task.CompletedTask;
}
