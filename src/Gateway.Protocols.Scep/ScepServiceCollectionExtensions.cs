using Gateway.Protocols.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Scep;

public static class ScepServiceCollectionExtensions
{
    /// <summary>The SCEP front-end. The host registers the RA (<see cref="IScepRa"/>).</summary>
    public static IServiceCollection AddGatewayScep(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScepOptions>()
            .Bind(configuration.GetSection(ScepOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultProfile), $"{ScepOptions.Section}:DefaultProfile must name a profile")
            .Validate(o => o.MaxMessageBytes is >= 1024 and <= 1024 * 1024, $"{ScepOptions.Section}:MaxMessageBytes must be between 1024 and 1048576")
            .Validate(o => o.ChallengeWebhooks.All(w => ScepChallengeWebhookOptions.Problem(w.Key, w.Value) is null),
                $"{ScepOptions.Section}:ChallengeWebhooks:<profile>:Url must be an absolute https URL (http only to a loopback address) and Timeout between 0.1 s and 1 min")
            .Validate(o => o.RaCertificateLifetime >= TimeSpan.FromDays(1) && o.RaCertificateLifetime <= TimeSpan.FromDays(3650),
                $"{ScepOptions.Section}:RaCertificateLifetime must be between 1.00:00:00 and 3650.00:00:00")
            .ValidateOnStart();
        services.AddHttpClient(ScepChallengeWebhook.HttpClientName);
        services.AddSingleton<ScepChallengeWebhook>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayEnrollmentPort(configuration);
        services.AddSingleton<ScepService>();
        return services;
    }
}
