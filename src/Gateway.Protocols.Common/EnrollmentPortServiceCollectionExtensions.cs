using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Common;

public static class EnrollmentPortServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IEnrollmentPort"/> (once, whichever front-end asks first) and its options, <c>Gateway:EnrollmentPort</c>.</summary>
    public static IServiceCollection AddGatewayEnrollmentPort(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IEnrollmentPort))) return services;
        services.AddOptions<EnrollmentPortOptions>()
            .Bind(configuration.GetSection(EnrollmentPortOptions.Section))
            .Validate(o => o.ProfileCacheTtl > TimeSpan.Zero && o.ProfileCacheTtl <= TimeSpan.FromMinutes(5),
                $"{EnrollmentPortOptions.Section}:ProfileCacheTtl must be more than 0 and at most 00:05:00 (a policy change must reach the front-ends)")
            .Validate(o => o.ProfileCacheCapacity is >= 1 and <= 100_000, $"{EnrollmentPortOptions.Section}:ProfileCacheCapacity must be between 1 and 100000")
            .Validate(o => o.CredentialFailureLimit is >= 1 and <= 1_000_000, $"{EnrollmentPortOptions.Section}:CredentialFailureLimit must be between 1 and 1000000")
            .Validate(o => o.CredentialFailureWindow >= TimeSpan.FromSeconds(1) && o.CredentialFailureWindow <= TimeSpan.FromDays(1),
                $"{EnrollmentPortOptions.Section}:CredentialFailureWindow must be between 00:00:01 and 1.00:00:00")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ClientCertificateMetrics>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EnrollmentPortOptions>>().Value;
            return new CredentialFailureLimiter(o.CredentialFailureLimit, o.CredentialFailureWindow);
        });
        services.AddSingleton<IEnrollmentPort, EnrollmentPort>();
        services.AddSingleton<IAcmePort, AcmePort>();
        return services;
    }
}
