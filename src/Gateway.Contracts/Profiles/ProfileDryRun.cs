namespace Gateway.Contracts.Profiles;

/// <summary>
/// A request to evaluate against a profile without issuing: a DER PKCS#10 <see cref="Csr"/>, or a described request
/// (<see cref="Template"/>: public key, subject, SANs, extensions). Exactly one is set. Protocol and authentication
/// When <see cref="Document"/> is set, the request is evaluated against that unsaved document (the profile being
/// edited; it need not exist yet) instead of the stored version. Protocol and authentication
/// method default to <c>admin</c> / <c>api-key</c> when the profile allows them, else to the first the profile lists.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileDryRun")]
public sealed record ProfileDryRun(
    [property: Id(0)] byte[]? Csr,
    [property: Id(1)] EnrollmentProtocol? Protocol = null,
    [property: Id(2)] string? AuthenticationMethod = null,
    [property: Id(3)] string? Principal = null,
    [property: Id(4)] RequestedTemplate? Template = null,
    [property: Id(5)] string? Document = null);
