namespace Gateway.Contracts;

/// <summary>
/// What the policy sees of a request, already parsed and with proof of possession checked: the same whichever protocol it came by.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.PolicyInput")]
public sealed record PolicyInput(
    [property: Id(0)] EnrollmentProtocol Protocol,
    [property: Id(1)] Requester Requester,
    [property: Id(2)] byte[] Subject,
    [property: Id(3)] string SubjectText,
    [property: Id(4)] byte[] SubjectPublicKeyInfo,
    [property: Id(5)] KeyDescription Key,
    [property: Id(6)] IReadOnlyList<SubjectAltName> SubjectAltNames,
    [property: Id(7)] IReadOnlyList<ExtensionData> RequestedExtensions,
    [property: Id(8)] string? RenewalOf,
    [property: Id(9)] DateTimeOffset Now);
