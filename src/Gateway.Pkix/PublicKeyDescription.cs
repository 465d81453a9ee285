namespace Gateway.Pkix;

/// <summary>A public key's algorithm, size in bits and named curve (EC only); for an unknown algorithm its OID and size 0.</summary>
public sealed record PublicKeyDescription(string Algorithm, int SizeBits, string? Curve)
{
    public const string Rsa = "RSA";
    public const string Ec = "EC";
    public const string Ed25519 = "Ed25519";

    public override string ToString() => Curve is null ? $"{Algorithm}-{SizeBits}" : $"{Algorithm} {Curve}";
}
