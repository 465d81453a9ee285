using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Ocsp;

public static class OcspServiceCollectionExtensions
{
    /// <summary>What the OCSP and CRL endpoints need besides the grains: their metrics.</summary>
    public static IServiceCollection AddGatewayOcsp(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<OcspMetrics>();
        return services;
    }
}
