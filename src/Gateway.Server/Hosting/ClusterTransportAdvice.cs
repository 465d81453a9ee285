namespace Gateway.Server.Hosting;

/// <summary>The Orleans transport settings an operator must know are weaker than the defaults: warn at every start.</summary>
internal static class ClusterTransportAdvice
{
    public static void Warn(ClusterPlan cluster, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(log);
        if (cluster.IsPostgres && !cluster.Tls)
        {
            log.LogWarning(
                "{Option}=false: silo-to-silo traffic (every grain call, including enrollments, credentials and revocations) travels in " +
                "cleartext and any process that reaches {Listen}:{SiloPort} can join the cluster. Use it only on an isolated, trusted network.",
                GatewayClusterOptions.Section + ":Tls", cluster.ListenAddress, cluster.SiloPort);
        }

        if (cluster.HasClientGateway)
        {
            log.LogWarning(
                "{Option} is set: the Orleans client gateway is open on {Listen}:{Port}; a client that reaches it{Tls} can call every grain.",
                GatewayClusterOptions.Section + ":GatewayPort", cluster.ListenAddress, cluster.GatewayPort,
                cluster.Tls ? " with a certificate of this cluster" : " (no TLS, no authentication)");
        }
    }
}
