using System.Security.Cryptography;
using Gateway.Contracts;

namespace Gateway.Protocols.Est;

/// <summary>Generates the key pair for <c>/serverkeygen</c>: the profile's first allowed key type this platform can make.</summary>
internal static class ServerKeys
{
    public static AsymmetricAlgorithm? Generate(IReadOnlyList<KeyDescription> allowed)
    {
        foreach (var key in allowed)
        {
            switch (key.Algorithm)
            {
                case KeyDescription.Ec when key.Curve == "P-256": return ECDsa.Create(ECCurve.NamedCurves.nistP256);
                case KeyDescription.Ec when key.Curve == "P-384": return ECDsa.Create(ECCurve.NamedCurves.nistP384);
                case KeyDescription.Ec when key.Curve == "P-521": return ECDsa.Create(ECCurve.NamedCurves.nistP521);
                case KeyDescription.Rsa: return RSA.Create(Math.Max(2048, key.SizeBits));
            }
        }
        return null;
    }
}
