using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Revocation;

public static class RevocationServiceCollectionExtensions
{
    /// <summary>CRL publication (<c>Gateway:Crl</c>) and this node's OCSP response cache.</summary>
    public static IServiceCollection AddGatewayRevocation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrlOptions>()
            .Bind(configuration.GetSection(CrlOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrlOptions>, CrlOptionsValidator>();
        services.AddSingleton<OcspResponseCache>();
        services.AddHostedService<CrlStartupService>();
        services.AddHostedService<CrlRevocationFollower>();
        services.AddHostedService<GatewayCertificateRevocationWatcher>();
        return services;
    }

    private sealed class CrlOptionsValidator : IValidateOptions<CrlOptions>
    {
        public ValidateOptionsResult Validate(string? name, CrlOptions options) =>
            options.Validate() is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
