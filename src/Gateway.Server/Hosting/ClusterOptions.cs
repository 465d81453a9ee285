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

    /// <summary>
    /// Orleans client gateway port. 0 (the default): none; the web front-ends run in the silo and call grains in-process, so
    /// nothing needs it. A port opens it to Orleans clients on <see cref="ListenAddress"/>; anyone who reaches it and passes
    /// its TLS (cluster mode: a certificate of this cluster) can call every grain, so open it only on a trusted network.
    /// </summary>
    public int GatewayPort { get; set; }

    public string ClusterId { get; set; } = "gateway";

    public string ServiceId { get; set; } = "gateway";

    /// <summary>
    /// The IP address (or a host name resolved at start) other nodes reach this silo on, written into the membership table.
    /// Unset: loopback when the database is on this machine (embedded PostgreSQL, or a loopback/Unix-socket host in
    /// <c>ConnectionStrings:Gateway</c>), otherwise the first IPv4 address of an up, non-loopback network interface.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// The IP address the silo (and a configured client gateway) binds, e.g. <c>0.0.0.0</c> in a container while
    /// <see cref="AdvertisedAddress"/> names the container. Unset: loopback in <c>localhost</c> mode (the only value allowed
    /// there), the advertised address in <c>postgres</c> mode.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// Mutual TLS between silos, with certificates the gateway's own CA issues to each node for this cluster
    /// (<c>urn:gateway:cluster:&lt;ServiceId&gt;:&lt;ClusterId&gt;</c>). Unset: on in <c>postgres</c> mode, off in
    /// <c>localhost</c> mode (one silo, loopback). <c>false</c> in <c>postgres</c> mode logs a warning at every start.
    /// </summary>
    public bool? Tls { get; set; }

    /// <summary>
    /// Cluster mode: the first node registers fingerprints of its CA and credential key in PostgreSQL and every later node must
    /// match them. <c>true</c> makes this node's material the cluster's instead (a deliberate, cluster-wide change of CA or key).
    /// </summary>
    public bool ReplaceSharedMaterial { get; set; }
}
