using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>
/// A fresh meter factory per test, disposed with it: meters are process-wide, so a gateway meter left alive here would
/// also reach the in-process gateway's exporter (as a duplicate instrument).
/// </summary>
internal sealed class TestMeters : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();
}
