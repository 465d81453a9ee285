namespace Gateway.Server.Hosting;

/// <summary>Section <c>Gateway:Cluster</c>. Orleans' own membership tuning lives under <c>Gateway:Cluster:Membership</c>.</summary>
public sealed class GatewayClusterOptions
{
    public const string Section = "Gateway:Cluster";
    public const string MembershipSection = Section + ":Membership";
    public const string LocalhostMode = "localhost";
    public const string PostgresMode = "postgres";

    /// <summary>
    /// <c>localhost</c>: one silo, loopback only, membership in memory. <c>postgres</c>: cluster membership in the gateway's
    /// PostgreSQL, so every node on that database joins one cluster. Unset: <c>localhost</c> with the embedded PostgreSQL,
    /// <c>postgres</c> with <c>ConnectionStrings:Gateway</c>.
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>Silo-to-silo port (1-65535); each node on one machine needs its own.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (0 disables it: the gateway hosts its own client); each node on one machine needs its own.</summary>
    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "gateway";

    public string ServiceId { get; set; } = "gateway";

    /// <summary>
    /// The IP address (or a host name resolved at start) other nodes reach this silo on, written into the membership table.
    /// Unset: loopback when the database is on this machine (embedded PostgreSQL, or a loopback/Unix-socket host in
    /// <c>ConnectionStrings:Gateway</c>), otherwise the first IPv4 address of an up, non-loopback network interface.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Cluster mode: the first node registers fingerprints of its CA and credential key in PostgreSQL and every later node must
    /// match them. <c>true</c> makes this node's material the cluster's instead (a deliberate, cluster-wide change of CA or key).
    /// </summary>
    public bool ReplaceSharedMaterial { get; set; }
}
