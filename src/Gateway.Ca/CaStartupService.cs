using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Ca;

/// <summary>Loads the CA and the server certificate at host start, so misconfiguration fails the start rather than the first request.</summary>
internal sealed class CaStartupService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ICertificateAuthority>();
        services.GetRequiredService<ServerCertificateProvider>().GetCertificate();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
