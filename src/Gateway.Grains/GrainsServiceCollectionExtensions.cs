using Gateway.Grains.Profiles;
using Gateway.Grains.Revocation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddSingleton<ProfileCatalogProvider>();
        services.AddSingleton<Ca.IGatewayCertificateRecorder, GatewayCertificateRecorder>();
        services.AddSingleton<Enrollment.PolicyFactsCollector>();
        services.AddOptions<Enrollment.EnrollmentOptions>()
            .Bind(configuration.GetSection(Enrollment.EnrollmentOptions.Section))
            .Validate(o => o.ConfirmationWindow >= TimeSpan.FromSeconds(1) && o.ConfirmationWindow <= TimeSpan.FromDays(1),
                $"{Enrollment.EnrollmentOptions.Section}:ConfirmationWindow must be between 00:00:01 and 1.00:00:00")
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<Enrollment.EnrollmentMetrics>();
        services.AddOptions<ExpiryOptions>()
            .Bind(configuration.GetSection(ExpiryOptions.Section))
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1) && o.Interval <= TimeSpan.FromDays(1), $"{ExpiryOptions.Section}:Interval must be between 00:00:01 and 1.00:00:00")
            .Validate(o => o.BatchSize is > 0 and <= 10_000, $"{ExpiryOptions.Section}:BatchSize must be between 1 and 10000")
            .ValidateOnStart();
        services.AddHostedService<CertificateExpiryService>();
        services.AddHostedService<CaCertificateInventory>();
        services.AddOptions<PolicyOptions>()
            .Validate(o => o.RefreshInterval >= TimeSpan.FromMilliseconds(100) && o.RefreshInterval <= TimeSpan.FromMinutes(1),
                $"{PolicyOptions.Section}:RefreshInterval must be between 00:00:00.1 and 00:01:00");
        services.AddSingleton<ProfileSeeder>();
        services.AddHostedService<ProfileCatalogRefresher>();
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayCredentials(configuration);
        services.AddGatewayRevocation(configuration);
        return services;
    }
}
