using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Grains;

public static class CredentialServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="CredentialOptions"/> (section <c>Gateway:Credentials</c>, validated at start) and the
    /// <see cref="CredentialSecretProtector"/> that holds the key for credentials' raw secrets, and the credential metrics.
    /// </summary>
    public static IServiceCollection AddGatewayCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CredentialOptions>()
            .Bind(configuration.GetSection(CredentialOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialOptions>, CredentialOptionsValidator>());
        services.TryAddSingleton<CredentialSecretProtector>();
        services.TryAddSingleton<Gateway.Contracts.IClusterKeyDerivation>(sp => sp.GetRequiredService<CredentialSecretProtector>());
        services.AddMetrics();
        services.TryAddSingleton<CredentialMetrics>();
        return services;
    }
}
