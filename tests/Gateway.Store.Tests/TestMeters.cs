using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Store.Tests;

/// <summary>Meter factories for tests: each call a fresh one, so a test's collectors see only its own instruments.</summary>
internal static class TestMeters
{
    public static IMeterFactory Factory() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static StoreMetrics Store(IMeterFactory? factory = null) => new(factory ?? Factory());
}
