namespace Gateway.Server.Tests;

/// <summary>
/// The <c>/metrics</c> tests get a gateway of their own and run alone, after the parallel collections: OpenTelemetry
/// listens to meters by name process-wide, so another host started by a test in this process (a second node, a restart,
/// the hardened admin gateway) would add its series to this host's scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "metrics";
}
