using Gateway.Admin.Authentication;
using Gateway.Admin.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>API-key authentication, role policies, problem details and the OpenAPI document of <c>/api/v1</c>.</summary>
    public static IServiceCollection AddGatewayAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section));
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin, AdminRoles.Auditor, AdminRoles.PolicyAdmin))
            .AddPolicy(AdminPolicies.Write, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin));
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.PolicyWrite, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin, AdminRoles.PolicyAdmin));
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        return services;
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
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
