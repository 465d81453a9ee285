namespace Gateway.Server.Hosting;

/// <summary>
/// Generated secrets live in each node's own Gateway:DataDir, so in cluster mode a node that generates one disagrees with the
/// others: warn, naming the option that makes it shared.
/// </summary>
internal static class ClusterSecretsAdvice
{
    public static void Warn(IConfiguration configuration, ILogger log)
    {
        var adminKeys = configuration.GetSection("Gateway:Admin:ApiKeys").GetChildren().Any();
        if (!adminKeys && string.IsNullOrEmpty(configuration["Gateway:Admin:BootstrapApiKey"]))
        {
            log.LogWarning(
                "Cluster mode without a configured admin API key: this node uses the key generated in its own Gateway:DataDir, which " +
                "other nodes do not accept. Give every node the same Gateway:Admin:BootstrapApiKey (or Gateway:Admin:ApiKeys), e.g. from a secret.");
        }
    }
}
