using System.Net.Security;
using Gateway.Ca;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Gateway.Server.Hosting;

/// <summary>
/// Mutual TLS on every Orleans connection of this silo (silo-to-silo both ways, and a configured client gateway): this node
/// presents its <see cref="SiloCertificateProvider"/> certificate and accepts only a peer whose certificate
/// <see cref="SiloCertificateValidator"/> accepts (this gateway's CA, this cluster's URI). A peer without a certificate,
/// or with one of another CA or cluster, fails the handshake before any Orleans message is read.
/// </summary>
internal static class SiloTls
{
    public static void Use(ISiloBuilder silo, ClusterPlan cluster)
    {
        var clusterUri = SiloCertificateValidator.ClusterUri(cluster.ServiceId, cluster.ClusterId);
        silo.Services.AddSingleton(sp => new SiloCertificateProvider(
            sp.GetRequiredService<ICertificateAuthority>(), sp.GetRequiredService<IGatewayCertificateRecorder>(), clusterUri, sp.GetRequiredService<ILogger<SiloCertificateProvider>>(),
            sp.GetRequiredService<TimeProvider>()));
        silo.Services.AddSingleton(sp => new SiloCertificateValidator(
            sp.GetRequiredService<ICertificateAuthority>(), clusterUri, sp.GetRequiredService<TimeProvider>()));
        silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(b => b.UseServerTls(Options(b.ApplicationServices)));
            connections.ConfigureGatewayInboundConnection(b => b.UseServerTls(Options(b.ApplicationServices)));
            connections.ConfigureSiloOutboundConnection(b => b.UseClientTls(Options(b.ApplicationServices)));
        });
    }

    private static TlsOptions Options(IServiceProvider services)
    {
        var provider = services.GetRequiredService<SiloCertificateProvider>();
        var validator = services.GetRequiredService<SiloCertificateValidator>();
        var logger = services.GetRequiredService<ILogger<SiloCertificateValidator>>();
        return new TlsOptions
        {
            // Both selectors are overridden per connection below (with the chain); Orleans requires one to be set.
            LocalServerCertificateSelector = (_, _) => provider.GetCertificate(),
            LocalClientCertificateSelector = (_, _, _, _, _) => provider.GetCertificate(),
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            CheckCertificateRevocation = false,
            RemoteCertificateValidation = (certificate, _, _) =>
            {
                // The chain SslStream built is ignored on purpose: the validator builds its own against this CA only.
                var problem = validator.Check(certificate);
                if (problem is not null)
                {
                    logger.LogWarning("Refused a cluster connection: the peer's certificate {Subject} ({Thumbprint}) is refused: {Problem}.",
                        certificate.Subject, certificate.Thumbprint, problem);
                }

                return problem is null;
            },
            OnAuthenticateAsServer = (_, options) =>
            {
                var ssl = (SslServerAuthenticationOptions)options.SslServerAuthenticationOptions;
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificate = null;
                ssl.ServerCertificateContext = provider.GetCertificateContext();
                ssl.CertificateChainPolicy = validator.CreateChainPolicy();
            },
            OnAuthenticateAsClient = (_, options) =>
            {
                var ssl = (SslClientAuthenticationOptions)options.SslClientAuthenticationOptions;
                ssl.LocalCertificateSelectionCallback = null;
                ssl.ClientCertificates = null;
                ssl.ClientCertificateContext = provider.GetCertificateContext();
                ssl.CertificateChainPolicy = validator.CreateChainPolicy();
            },
        };
    }
}
