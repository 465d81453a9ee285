using Gateway.Contracts.Acme;
using Gateway.Protocols.Acme.Validation;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Protocols.Acme;

public static class AcmeServiceCollectionExtensions
{
    /// <summary>The ACME front-end (<c>Gateway:Acme</c>) and the challenge validator the authorization grains call.</summary>
    public static IServiceCollection AddGatewayAcme(this IServiceCollection services, IConfiguration configuration)
    {
        const string s = AcmeOptions.Section;
        services.AddOptions<AcmeOptions>()
            .Bind(configuration.GetSection(s))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultProfile), $"{s}:DefaultProfile must name a profile")
            .Validate(o => o.NonceLifetime >= TimeSpan.FromSeconds(10) && o.NonceLifetime <= TimeSpan.FromHours(1), $"{s}:NonceLifetime must be between 00:00:10 and 01:00:00")
            .Validate(o => o.HttpChallengePort is > 0 and < 65536, $"{s}:HttpChallengePort must be a TCP port (1-65535)")
            .Validate(o => o.TlsAlpnChallengePort is > 0 and < 65536, $"{s}:TlsAlpnChallengePort must be a TCP port (1-65535)")
            .Validate(o => o.ValidationTimeout >= TimeSpan.FromSeconds(1) && o.ValidationTimeout <= TimeSpan.FromMinutes(5), $"{s}:ValidationTimeout must be between 00:00:01 and 00:05:00")
            .Validate(o => o.OrderLifetime >= TimeSpan.FromMinutes(1) && o.OrderLifetime <= TimeSpan.FromDays(30), $"{s}:OrderLifetime must be between 00:01:00 and 30.00:00:00")
            .Validate(o => o.AuthorizationLifetime >= TimeSpan.FromMinutes(1) && o.AuthorizationLifetime <= TimeSpan.FromDays(30), $"{s}:AuthorizationLifetime must be between 00:01:00 and 30.00:00:00")
            .Validate(o => o.MaxIdentifiersPerOrder is >= 1 and <= 1000, $"{s}:MaxIdentifiersPerOrder must be between 1 and 1000")
            .Validate(o => o.MaxRequestBytes is >= 4096 and <= 1024 * 1024, $"{s}:MaxRequestBytes must be between 4096 and 1048576")
            .Validate(o => string.IsNullOrWhiteSpace(o.DnsResolver) || System.Net.IPEndPoint.TryParse(o.DnsResolver, out var e) && e.Port != 0,
                $"{s}:DnsResolver must be an IP address with a port (e.g. 10.0.0.53:53), or empty for the system's resolvers")
            .Validate(o => o.NewAccountsPerAddress is >= 1 and <= 10_000_000, $"{s}:NewAccountsPerAddress must be between 1 and 10000000")
            .Validate(o => o.NewOrdersPerAccount is >= 1 and <= 10_000_000, $"{s}:NewOrdersPerAccount must be between 1 and 10000000")
            .Validate(o => o.RateLimitWindow >= TimeSpan.FromSeconds(1) && o.RateLimitWindow <= TimeSpan.FromDays(1), $"{s}:RateLimitWindow must be between 00:00:01 and 1.00:00:00")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayEnrollmentPort(configuration);
        services.AddSingleton<AcmeNonces>();
        services.AddSingleton<IChallengeValidator, ChallengeValidator>();
        services.AddSingleton<AcmeRateLimits>();
        services.AddSingleton<AcmeService>();
        return services;
    }
}
