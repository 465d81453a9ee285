using Gateway.Grains;
using Gateway.Grains.Enrollment;
using Gateway.Protocols.Common;
using Gateway.Protocols.Est;
using Gateway.Protocols.Ocsp;
using Gateway.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Gateway.Server.Metrics;

/// <summary>
/// Metrics export: the gateway's meters (one per area), ASP.NET Core's and the runtime's, in Prometheus text format at
/// <c>GET /metrics</c> through OpenTelemetry, for the clients <see cref="MetricsAccess"/> allows.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>The OpenTelemetry <c>service.name</c> (Prometheus: <c>target_info{service_name="gateway"}</c>).</summary>
    public const string ServiceName = "gateway";

    /// <summary>The gateway's own meters.</summary>
    public static IReadOnlyList<string> GatewayMeters { get; } =
    [
        EnrollmentMetrics.MeterName,
        StoreMetrics.MeterName,
        Gateway.Ca.CaExpiryMonitor.MeterName,
        OcspMetrics.MeterName,
        CredentialMetrics.MeterName,
        ClientCertificateMetrics.MeterName,
    ];

    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        services.AddSingleton<MetricsAccess>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsAccess.PolicyName, p => p.RequireAssertion(context =>
            context.Resource is HttpContext http && http.RequestServices.GetRequiredService<MetricsAccess>().IsAllowed(http)));
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService(ServiceName)).WithMetrics(metrics => metrics
            .AddMeter([.. GatewayMeters])
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            // Every scrape collects afresh: a counter read right after an enrollment shows it.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled) return app;
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(MetricsAccess.PolicyName).ExcludeFromDescription();
        return app;
    }
}
