using System.Security.Cryptography;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>
/// Generates the key pair for <c>/serverkeygen</c>: of the CSR's key type and size when the profile allows it (a client
/// that sends an RSA CSR expects an RSA key back; an RSA size that is not 2048, 3072 or 4096 or is below the profile's
/// minimum gets the profile's minimum), else the profile's first allowed key type this platform can make.
/// </summary>
internal static class ServerKeys
{
    /// <summary>RSA sizes generated on request: anything else gets the profile's minimum (a 16384-bit request must not cost minutes).</summary>
    private static readonly int[] RsaSizes = [2048, 3072, 4096];

    public static AsymmetricAlgorithm? Generate(IReadOnlyList<KeyDescription> allowed, KeyDescription? requested = null)
    {
        if (requested is not null)
        {
            foreach (var key in allowed)
            {
                if (key.Algorithm != requested.Algorithm) continue;
                if (key.Algorithm == KeyDescription.Ec && key.Curve == requested.Curve && Create(key) is { } ec) return ec;
                if (key.Algorithm == KeyDescription.Rsa)
                {
                    // The CSR's size when it is a usual one the profile allows; an RSA key of the profile's minimum otherwise.
                    return RSA.Create(requested.SizeBits >= key.SizeBits && RsaSizes.Contains(requested.SizeBits) ? requested.SizeBits : Math.Max(2048, key.SizeBits));
                }
            }
        }
        foreach (var key in allowed)
        {
            if (Create(key) is { } created) return created;
        }
        return null;
    }

    private static AsymmetricAlgorithm? Create(KeyDescription key) => key.Algorithm switch
    {
        KeyDescription.Ec when key.Curve == "P-256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyDescription.Ec when key.Curve == "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        KeyDescription.Ec when key.Curve == "P-521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        KeyDescription.Rsa => RSA.Create(Math.Max(2048, key.SizeBits)),
        _ => null,
    };
}
