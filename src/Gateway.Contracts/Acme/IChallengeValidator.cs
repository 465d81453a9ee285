namespace Gateway.Contracts.Acme;

/// <summary>
/// Validates an ACME challenge from the server side (RFC 8555 §8: http-01, dns-01; RFC 8737: tls-alpn-01). Implemented in
/// the ACME front-end project; the authorization grain calls it (Boulder's va, in one process).
/// </summary>
public interface IChallengeValidator
{
    Task<ChallengeValidation> ValidateAsync(ChallengeRequest request, CancellationToken cancellationToken = default);
}

/// <param name="Type"><c>http-01</c>, <c>dns-01</c> or <c>tls-alpn-01</c>.</param>
/// <param name="IdentifierType"><c>dns</c> or <c>ip</c> (RFC 8738).</param>
/// <param name="KeyAuthorization">token || '.' || base64url(JWK thumbprint of the account key) (RFC 8555 §8.1).</param>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.ChallengeRequest")]
public sealed record ChallengeRequest(
    [property: Id(0)] string Type,
    [property: Id(1)] string IdentifierType,
    [property: Id(2)] string Identifier,
    [property: Id(3)] string Token,
    [property: Id(4)] string KeyAuthorization);

/// <summary>The result: valid, or the ACME problem type (<c>connection</c>, <c>incorrectResponse</c>, <c>dns</c>, <c>unauthorized</c>, <c>tls</c>) with a detail; the addresses tried (validationRecord).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.ChallengeValidation")]
public sealed record ChallengeValidation(
    [property: Id(0)] bool Valid,
    [property: Id(1)] string? ProblemType,
    [property: Id(2)] string Detail,
    [property: Id(3)] IReadOnlyList<string> AddressesUsed)
{
    public static ChallengeValidation Success(string detail, IReadOnlyList<string> addresses) => new(true, null, detail, addresses);

    public static ChallengeValidation Failure(string problemType, string detail, IReadOnlyList<string>? addresses = null) => new(false, problemType, detail, addresses ?? []);
}
