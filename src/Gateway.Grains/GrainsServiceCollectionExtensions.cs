using Microsoft.Extensions.Configuration;
using Gateway.Grains.Revocation;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>What the grains need besides the CA and the store: the policy catalog and a clock.</summary>
    public static IServiceCollection AddGatewayGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PolicyOptions>()
            .Bind(configuration.GetSection(PolicyOptions.Section))
            .Validate(o => Directory.Exists(o.ResolvePath()), $"{PolicyOptions.Section}:Path: the policies directory does not exist")
            .ValidateOnStart();
        services.AddSingleton<PolicyCatalogProvider>();
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayRevocation(configuration);
        return services;
    }
}
