using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;

namespace Gateway.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Orleans membership in PostgreSQL: registers <see cref="ClusterDatabase"/> (its own small Npgsql pool on
    /// <paramref name="connectionString"/>), <see cref="PostgresMembershipTable"/> as the silo's <see cref="IMembershipTable"/>
    /// (as Orleans' own clustering providers do) and <see cref="SharedMaterialRegistry"/>. The silo creates the tables when it
    /// initialises the membership table. Call from the silo's service configuration, after the cluster id is configured.
    /// </summary>
    public static IServiceCollection AddGatewayPostgresClustering(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(_ => new ClusterDatabase(connectionString));
        services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
        services.TryAddSingleton<SharedMaterialRegistry>();
        return services;
    }
}
