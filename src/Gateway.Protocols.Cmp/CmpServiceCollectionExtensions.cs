using Gateway.Protocols.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Cmp;

public static class CmpServiceCollectionExtensions
{
    /// <summary>The CMP front-end. The host registers the responder identity (<see cref="CmpResponder"/>).</summary>
    public static IServiceCollection AddGatewayCmp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CmpOptions>()
            .Bind(configuration.GetSection(CmpOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultProfile), $"{CmpOptions.Section}:DefaultProfile must name a profile")
            .Validate(o => o.MaxMessageBytes is >= 1024 and <= 4 * 1024 * 1024, $"{CmpOptions.Section}:MaxMessageBytes must be between 1024 and 4194304")
            .Validate(o => o.MessageTimeTolerance >= TimeSpan.FromSeconds(10) && o.MessageTimeTolerance <= TimeSpan.FromDays(1),
                $"{CmpOptions.Section}:MessageTimeTolerance must be between 00:00:10 and 1.00:00:00")
            .Validate(o => o.MaxMacIterations is >= 100 and <= 10_000_000, $"{CmpOptions.Section}:MaxMacIterations must be between 100 and 10000000")
            .Validate(o => o.ResponderCertificateLifetime >= TimeSpan.FromDays(1) && o.ResponderCertificateLifetime <= TimeSpan.FromDays(3650),
                $"{CmpOptions.Section}:ResponderCertificateLifetime must be between 1.00:00:00 and 3650.00:00:00")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayEnrollmentPort(configuration);
        services.AddSingleton<CmpTrustAnchors>();
        services.AddSingleton<CmpService>();
        return services;
    }
}
