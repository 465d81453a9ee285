using Gateway.Protocols.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Est;

public static class EstServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayEst(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EstOptions>()
            .Bind(configuration.GetSection(EstOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultProfile), $"{EstOptions.Section}:DefaultProfile must name a profile")
            .Validate(o => o.MaxRequestBytes is >= 1024 and <= 1024 * 1024, $"{EstOptions.Section}:MaxRequestBytes must be between 1024 and 1048576")
            .Validate(o => o.ReplayWindow >= TimeSpan.Zero, $"{EstOptions.Section}:ReplayWindow must not be negative (e.g. 01:00:00; 00:00:00 continues only pending enrollments)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayEnrollmentPort(configuration);
        services.AddSingleton<EstTrustAnchors>();
        services.AddSingleton<EstProfiles>();
        services.AddSingleton<EstAuthenticator>();
        return services;
    }
}
