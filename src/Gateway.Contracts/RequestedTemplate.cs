namespace Gateway.Contracts;

/// <summary>
/// A request that carries a public key and the wanted contents instead of a PKCS#10 CSR (CRMF, server-side key generation).
/// The front-end has already checked proof of possession where the protocol requires it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.RequestedTemplate")]
public sealed record RequestedTemplate(
    [property: Id(0)] byte[] SubjectPublicKeyInfo,
    [property: Id(1)] byte[]? Subject,
    [property: Id(2)] IReadOnlyList<SubjectAltName> SubjectAltNames,
    [property: Id(3)] IReadOnlyList<ExtensionData> Extensions);
