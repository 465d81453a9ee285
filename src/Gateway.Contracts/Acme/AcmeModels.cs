namespace Gateway.Contracts.Acme;

/// <summary>An ACME identifier (RFC 8555 §9.7.7): <c>dns</c> (a lowercase name, perhaps <c>*.</c>-prefixed) or <c>ip</c> (RFC 8738, canonical text).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeIdentifier")]
public sealed record AcmeIdentifier([property: Id(0)] string Type, [property: Id(1)] string Value)
{
    public override string ToString() => $"{Type}:{Value}";
}

/// <summary>
/// An ACME error kept on an order, authorization or challenge: the short problem type (under
/// <c>urn:ietf:params:acme:error:</c>) and a detail; for an order whose enrollment was refused, the
/// <see cref="Reason"/>, which the front-end maps to the problem type (one map for every protocol).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeError")]
public sealed record AcmeError([property: Id(0)] string Type, [property: Id(1)] string Detail, [property: Id(2)] RejectionReason? Reason = null);

/// <summary>A new account (RFC 8555 §7.3): the key as canonical JWK JSON and its RFC 7638 thumbprint, the directory (profile) it registered at.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeNewAccount")]
public sealed record AcmeNewAccount(
    [property: Id(0)] string Profile,
    [property: Id(1)] string Jwk,
    [property: Id(2)] string Thumbprint,
    [property: Id(3)] IReadOnlyList<string> Contacts,
    [property: Id(4)] bool TermsOfServiceAgreed,
    [property: Id(5)] string? EabCredentialId);

/// <summary>An ACME account as the front-end needs it. <see cref="Status"/>: <c>valid</c>, <c>deactivated</c> or <c>revoked</c>.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeAccountInfo")]
public sealed record AcmeAccountInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Profile,
    [property: Id(2)] string Jwk,
    [property: Id(3)] string Thumbprint,
    [property: Id(4)] string Status,
    [property: Id(5)] IReadOnlyList<string> Contacts,
    [property: Id(6)] bool TermsOfServiceAgreed,
    [property: Id(7)] string? EabCredentialId,
    [property: Id(8)] DateTimeOffset CreatedAt);

/// <summary>The result of creating an account: the account, and whether it existed already for that key (RFC 8555 §7.3.1: 200 instead of 201).</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeAccountCreation")]
public sealed record AcmeAccountCreation([property: Id(0)] AcmeAccountInfo Account, [property: Id(1)] bool Existed);

/// <summary>
/// A new order (RFC 8555 §7.4) of an account, in a gateway profile. <see cref="PreAuthorized"/>: identifiers whose
/// authorizations start valid without a challenge (covered by the subjects of the account's EAB credential, when the
/// profile allows it).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeNewOrder")]
public sealed record AcmeNewOrder(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Profile,
    [property: Id(2)] IReadOnlyList<AcmeIdentifier> Identifiers,
    [property: Id(3)] DateTimeOffset? NotBefore,
    [property: Id(4)] DateTimeOffset? NotAfter,
    [property: Id(5)] string? Replaces,
    [property: Id(6)] IReadOnlyList<AcmeIdentifier> PreAuthorized,
    [property: Id(7)] TimeSpan OrderLifetime,
    [property: Id(8)] TimeSpan AuthorizationLifetime);

/// <summary>
/// An order. <see cref="Status"/>: <c>pending</c>, <c>ready</c>, <c>processing</c>, <c>valid</c> or <c>invalid</c>
/// (RFC 8555 §7.1.6); <see cref="Serial"/> once valid.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeOrderInfo")]
public sealed record AcmeOrderInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string Profile,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset Expires,
    [property: Id(5)] IReadOnlyList<AcmeIdentifier> Identifiers,
    [property: Id(6)] IReadOnlyList<string> AuthorizationIds,
    [property: Id(7)] DateTimeOffset? NotBefore,
    [property: Id(8)] DateTimeOffset? NotAfter,
    [property: Id(9)] string? Serial,
    [property: Id(10)] AcmeError? Error,
    [property: Id(11)] string? Replaces,
    [property: Id(12)] TimeSpan? RetryAfter = null);

/// <summary>One challenge of an authorization. <see cref="Status"/>: <c>pending</c>, <c>processing</c>, <c>valid</c>, <c>invalid</c>.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeChallengeInfo")]
public sealed record AcmeChallengeInfo(
    [property: Id(0)] string Type,
    [property: Id(1)] string Token,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset? Validated,
    [property: Id(4)] AcmeError? Error,
    [property: Id(5)] IReadOnlyList<string> AddressesUsed);

/// <summary>
/// An authorization (RFC 8555 §7.1.4). <see cref="Status"/>: <c>pending</c>, <c>valid</c>, <c>invalid</c>,
/// <c>deactivated</c>, <c>expired</c>; <see cref="PreAuthorized"/> when it started valid without a challenge.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeAuthorizationInfo")]
public sealed record AcmeAuthorizationInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string AccountId,
    [property: Id(2)] AcmeIdentifier Identifier,
    [property: Id(3)] bool Wildcard,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset Expires,
    [property: Id(6)] IReadOnlyList<AcmeChallengeInfo> Challenges,
    [property: Id(7)] bool PreAuthorized);

/// <summary>An ACME operation refused by a grain: the problem type and detail, with the HTTP status the front-end answers.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeRefusal")]
public sealed record AcmeRefusal([property: Id(0)] string Type, [property: Id(1)] string Detail, [property: Id(2)] int Status = 400);

/// <summary>An answer that is either a value or an ACME refusal.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.Acme.AcmeResult`1")]
public sealed record AcmeResult<T>([property: Id(0)] T? Value, [property: Id(1)] AcmeRefusal? Refusal)
{
    public static AcmeResult<T> Ok(T value) => new(value, null);

    public static AcmeResult<T> Refused(string type, string detail, int status = 400) => new(default, new AcmeRefusal(type, detail, status));
}
