using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

public static class CaServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CaOptions"/> from <c>Gateway:Ca</c> (and <c>Gateway:DataDir</c>) with validation at start, and registers
    /// <see cref="ICertificateAuthority"/> (singleton <see cref="CertificateAuthority"/>, its material loaded or generated when
    /// first resolved), <see cref="ServerCertificateProvider"/>, <see cref="OcspResponseSigner"/> (options from
    /// <c>Gateway:Ocsp</c>), and a hosted service that resolves them at host start so a bad configuration or passphrase
    /// stops the start. Needs logging registered (the host does that).
    /// </summary>
    /// <param name="configuration">The root configuration.</param>
    public static IServiceCollection AddGatewayCa(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CaOptions>()
            .Bind(configuration.GetSection(CaOptions.SectionName))
            .Configure(options =>
            {
                string? dataDir = configuration[CaOptions.DataDirKey];
                if (!string.IsNullOrWhiteSpace(dataDir))
                {
                    options.DataDir = dataDir;
                }

                string? publicBaseUrl = configuration[CaOptions.PublicBaseUrlKey];
                if (!string.IsNullOrWhiteSpace(publicBaseUrl))
                {
                    options.PublicBaseUrl = publicBaseUrl.Trim();
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CaOptions>, CaOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new CertificateAuthority(
            sp.GetRequiredService<IOptions<CaOptions>>(),
            sp.GetRequiredService<ILogger<CertificateAuthority>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IPublicBaseUrlSource>()));
        services.TryAddSingleton<ICertificateAuthority>(sp => sp.GetRequiredService<CertificateAuthority>());
        services.TryAddSingleton<ServerCertificateProvider>();
        services.TryAddSingleton<Contracts.Revocation.IIssuerDirectory, IssuerDirectory>();

        services.AddOptions<OcspOptions>().Bind(configuration.GetSection(OcspOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OcspOptions>, OcspOptionsValidator>());
        services.TryAddSingleton<OcspResponseSigner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CaStartupService>());
        services.AddMetrics();
        services.TryAddSingleton<CaExpiryMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CaExpiryMonitor>(sp => sp.GetRequiredService<CaExpiryMonitor>()));
        services.TryAddSingleton<CaRolloverService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CaRolloverService>(sp => sp.GetRequiredService<CaRolloverService>()));
        return services;
    }
}
