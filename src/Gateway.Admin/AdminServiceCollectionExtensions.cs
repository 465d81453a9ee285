using Gateway.Admin.Authentication;
using Gateway.Admin.Console;
using Gateway.Admin.Endpoints;
using Microsoft.AspNetCore.Authentication;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>API-key authentication, role policies, problem details and the OpenAPI document of <c>/api/v1</c>.</summary>
    public static IServiceCollection AddGatewayAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AdminOptions>>().Value;
            return new AuthenticationFailureLimiter(o.AuthFailureLimit, o.AuthFailureWindow);
        });
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin, AdminRoles.Auditor, AdminRoles.PolicyAdmin))
            .AddPolicy(AdminPolicies.ReadAll, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin, AdminRoles.Auditor))
            .AddPolicy(AdminPolicies.Write, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin))
            .AddPolicy(AdminPolicies.PolicyWrite, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin, AdminRoles.PolicyAdmin));
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        return services;
    }

    /// <summary>
    /// The admin API's transport and failure guard (<see cref="AdminApiGuardMiddleware"/>), on <c>/api/v1</c> and
    /// <c>/openapi</c> only. Call before <c>UseAuthentication</c>, so nothing reads a key that came in the clear.
    /// With <see cref="AdminOptions.TrustedProxies"/>, ASP.NET Core's forwarded-headers middleware first takes the
    /// client address and scheme from those proxies' <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>, and from no one else.
    /// </summary>
    public static IApplicationBuilder UseGatewayAdminGuard(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<AdminOptions>>().Value;
        app.UseWhen(c => AdminPaths.IsAdmin(c.Request.Path), admin =>
        {
            if (options.TrustedProxies.Count > 0)
            {
                var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
                forwarded.KnownIPNetworks.Clear();
                forwarded.KnownProxies.Clear();
                foreach (var proxy in options.TrustedProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                admin.UseForwardedHeaders(forwarded);
            }
            admin.UseMiddleware<AdminApiGuardMiddleware>();
        });
        return app;
    }

    /// <summary>The whole admin route table.</summary>
    public static IEndpointRouteBuilder MapGatewayAdmin(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapEnrollmentEndpoints();
        api.MapCertificateEndpoints();
        api.MapProfileEndpoints();
        api.MapCredentialEndpoints();
        api.MapClusterEndpoints();
        api.MapCaAdminEndpoints();
        api.MapAuditEndpoints();
        api.MapMeEndpoints();
        api.MapDashboardEndpoints();
        app.MapGatewayConsole();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
