using System.Security.Cryptography.X509Certificates;
using Gateway.Ca;
using Gateway.Protocols.Scep;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>The SCEP RA: one or two RSA protocol identities from the CA (recorded in the store, shared through the CA directory, rotated).</summary>
internal static class ScepRaSetup
{
    public static IServiceCollection AddScepRa(this IServiceCollection services)
    {
        services.AddSingleton<IScepRa>(sp =>
        {
            var scep = sp.GetRequiredService<IOptions<ScepOptions>>().Value;
            RsaProtocolIdentity Identity(string role, string name, X509KeyUsageFlags usage) => new(
                sp.GetRequiredService<ICertificateAuthority>(), sp.GetRequiredService<IGatewayCertificateRecorder>(),
                sp.GetRequiredService<IOptions<CaOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<RsaProtocolIdentity>(), role, name, usage, scep.RaCertificateLifetime);
            if (!scep.SeparateEncryptionCertificate)
            {
                var both = Identity(GatewayCertificates.ScepRa, "Gateway SCEP RA", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);
                return new ProtocolIdentityScepRa(both, both);
            }
            return new ProtocolIdentityScepRa(
                Identity(GatewayCertificates.ScepRa, "Gateway SCEP RA", X509KeyUsageFlags.DigitalSignature),
                Identity(GatewayCertificates.ScepRa + "-encryption", "Gateway SCEP RA encryption", X509KeyUsageFlags.KeyEncipherment));
        });
        return services;
    }
}
