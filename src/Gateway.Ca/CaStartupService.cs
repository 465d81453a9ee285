using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Ca;

/// <summary>Loads the CA, the server certificate and the OCSP signing certificates at host start, so misconfiguration fails the start rather than the first request.</summary>
internal sealed class CaStartupService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ICertificateAuthority>();
        services.GetRequiredService<ServerCertificateProvider>().GetCertificate();
        services.GetRequiredService<OcspResponseSigner>().EnsureResponderCertificates();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
