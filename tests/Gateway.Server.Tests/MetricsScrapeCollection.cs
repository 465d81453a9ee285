namespace Gateway.Server.Tests;

/// <summary>A gateway alone in the test process: nothing else runs while its <c>/metrics</c> is read.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsScrapeCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "metrics-scrape";
}
