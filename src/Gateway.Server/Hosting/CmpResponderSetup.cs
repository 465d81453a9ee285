using System.Security.Cryptography.X509Certificates;
using Gateway.Ca;
using Gateway.Protocols.Cmp;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>The CMP responder: an RSA protocol identity from the CA (recorded in the store, shared through the CA directory, rotated).</summary>
internal static class CmpResponderSetup
{
    /// <summary>The role of the CMP protection certificate; recorded under profile <c>gateway:cmp-responder</c>.</summary>
    public const string Role = "cmp-responder";

    public static IServiceCollection AddCmpResponder(this IServiceCollection services)
    {
        services.AddSingleton(sp => new CmpResponder(new RsaProtocolIdentity(
            sp.GetRequiredService<ICertificateAuthority>(), sp.GetRequiredService<IGatewayCertificateRecorder>(),
            sp.GetRequiredService<IOptions<CaOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RsaProtocolIdentity>(), Role, "Gateway CMP responder",
            X509KeyUsageFlags.DigitalSignature, sp.GetRequiredService<IOptions<CmpOptions>>().Value.ResponderCertificateLifetime)));
        return services;
    }
}
