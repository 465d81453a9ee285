using System.Security.Cryptography;

namespace Gateway.Ca;

/// <summary>Key algorithms the CA can generate, by their configuration names.</summary>
internal static class CaKeyAlgorithm
{
    public static readonly IReadOnlyList<string> Names = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"];

    public static bool IsKnown(string? name) =>
        name is not null && Names.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);

    public static string Describe(string option, string? value) =>
        $"{option} '{value}' is not one of {string.Join(", ", Names)}.";

    /// <summary>Generates a key of the named algorithm and wraps it in a software signer that owns it.</summary>
    public static ISigner Generate(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ecdsa-p256" => new EcdsaSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        "ecdsa-p384" => new EcdsaSigner(ECDsa.Create(ECCurve.NamedCurves.nistP384)),
        "rsa-2048" => new RsaSigner(RSA.Create(2048)),
        "rsa-3072" => new RsaSigner(RSA.Create(3072)),
        "rsa-4096" => new RsaSigner(RSA.Create(4096)),
        _ => throw new ArgumentException(Describe("key algorithm", name), nameof(name)),
    };
}
