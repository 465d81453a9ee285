namespace Gateway.Server.Hosting;

/// <summary>Section <c>Gateway:Cluster</c>.</summary>
public sealed class GatewayClusterOptions
{
    public const string Section = "Gateway:Cluster";

    /// <summary><c>localhost</c> (default: one silo, loopback only).</summary>
    public string Mode { get; set; } = "localhost";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "gateway";

    public string ServiceId { get; set; } = "gateway";
}
