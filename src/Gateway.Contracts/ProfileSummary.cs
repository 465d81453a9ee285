namespace Gateway.Contracts;

/// <summary>
/// What a protocol front-end may know of a profile before enrolling: who may use it, the CA chain it issues under
/// (issuing CA first, root last, DER) and what it asks of a request. <see cref="IssuerId"/> and the chain are those of
/// the issuer's current generation; <see cref="EarlierIssuerCertificates"/> are the earlier generations still serving
/// (DER), whose certificates still authenticate their holders (renewal after a CA rollover).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileSummary")]
public sealed record ProfileSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] IReadOnlyList<EnrollmentProtocol> Protocols,
    [property: Id(3)] IReadOnlyList<string> AuthenticationMethods,
    [property: Id(4)] string IssuerId,
    [property: Id(5)] IReadOnlyList<byte[]> ChainDer,
    [property: Id(6)] IReadOnlyList<KeyDescription> AllowedKeys,
    [property: Id(7)] IReadOnlyList<string> RequiredSubjectAttributes,
    [property: Id(8)] IReadOnlyList<string> ExtendedKeyUsages,
    [property: Id(9)] bool RequiresManualApproval,
    [property: Id(10)] IReadOnlyList<string>? AcceptsCertificatesFromProfiles = null,
    [property: Id(11)] IReadOnlyList<byte[]>? EarlierIssuerCertificates = null,
    [property: Id(12)] IReadOnlyList<string>? EarlierIssuerIds = null)
{
    /// <summary>
    /// Other profiles whose gateway-issued client certificates authenticate enrollments in this one
    /// (<c>acceptsCertificatesFrom</c>); a profile always accepts its own.
    /// </summary>
    public IReadOnlyList<string> AcceptsCertificatesFrom => AcceptsCertificatesFromProfiles ?? [];

    public bool Allows(EnrollmentProtocol protocol) => Protocols.Contains(protocol);

    public bool Allows(string authenticationMethod) => Contracts.AuthenticationMethods.IsAllowed(AuthenticationMethods, authenticationMethod);
}
