namespace Gateway.Contracts;

/// <summary>What kind of public key a request carries: algorithm ("RSA", "EC", "Ed25519", or the OID when unknown), size in bits, named curve.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.KeyDescription")]
public sealed record KeyDescription(
    [property: Id(0)] string Algorithm,
    [property: Id(1)] int SizeBits,
    [property: Id(2)] string? Curve)
{
    public const string Rsa = "RSA";
    public const string Ec = "EC";
    public const string Ed25519 = "Ed25519";

    public override string ToString() => Curve is null ? $"{Algorithm}-{SizeBits}" : $"{Algorithm} {Curve}";
}
