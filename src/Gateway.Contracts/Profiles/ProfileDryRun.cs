namespace Gateway.Contracts.Profiles;

/// <summary>
/// A CSR to evaluate against a profile without issuing. Protocol and authentication method default to
/// <c>admin</c> / <c>api-key</c> when the profile allows them, else to the first the profile lists.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.ProfileDryRun")]
public sealed record ProfileDryRun(
    [property: Id(0)] byte[] Csr,
    [property: Id(1)] EnrollmentProtocol? Protocol = null,
    [property: Id(2)] string? AuthenticationMethod = null,
    [property: Id(3)] string? Principal = null);
