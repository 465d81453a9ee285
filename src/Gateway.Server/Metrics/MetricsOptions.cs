namespace Gateway.Server.Metrics;

/// <summary>Section <c>Gateway:Metrics</c>: the Prometheus scrape endpoint <c>GET /metrics</c> and who may read it.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Gateway:Metrics";

    /// <summary>Serve <c>/metrics</c> (default true). Off: the path is not mapped (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Loopback clients may scrape without an API key (default true). Set false when a reverse proxy on the same machine
    /// forwards outside requests to the gateway over loopback: they would all look local.
    /// </summary>
    public bool AllowLoopback { get; set; } = true;

    /// <summary>
    /// Client addresses allowed to scrape without an API key, besides loopback: IP addresses or CIDR networks
    /// (<c>10.0.0.5</c>, <c>10.0.0.0/24</c>, <c>fd00::/8</c>). The address is the TCP peer's (forwarded headers are not
    /// trusted). Everyone else needs an admin API key with role <c>admin</c> or <c>auditor</c>.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}
