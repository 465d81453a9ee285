namespace Gateway.Contracts;

/// <summary>
/// A fully specified, already approved certificate: the CA signs exactly this and decides nothing but the serial
/// (and clipping of the validity to its own). <see cref="IssuerId"/> names a logical issuer, signed by its current
/// generation; with <see cref="ExactIssuer"/> it names the one generation that must sign (an OCSP responder certificate
/// of an earlier generation).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.CertificateTemplate")]
public sealed record CertificateTemplate(
    [property: Id(0)] string IssuerId,
    [property: Id(1)] byte[] Subject,
    [property: Id(2)] byte[] SubjectPublicKeyInfo,
    [property: Id(3)] IReadOnlyList<SubjectAltName> SubjectAltNames,
    [property: Id(4)] DateTimeOffset NotBefore,
    [property: Id(5)] DateTimeOffset NotAfter,
    [property: Id(6)] int KeyUsage,
    [property: Id(7)] IReadOnlyList<string> ExtendedKeyUsages,
    [property: Id(8)] IReadOnlyList<string> CertificatePolicies,
    [property: Id(9)] IReadOnlyList<ExtensionData> AdditionalExtensions,
    [property: Id(10)] bool ExactIssuer = false);
