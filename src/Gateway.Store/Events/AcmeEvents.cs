namespace Gateway.Store.Events;

// ACME (RFC 8555) accounts, key bindings, orders and authorizations: each in its own stream (AcmeStreams).

public sealed record AcmeAccountCreated(
    string AccountId,
    string Profile,
    string Jwk,
    string Thumbprint,
    string[] Contacts,
    bool TermsOfServiceAgreed,
    string? EabCredentialId,
    DateTimeOffset At);

public sealed record AcmeAccountContactsUpdated(string AccountId, string[] Contacts, DateTimeOffset At);

public sealed record AcmeAccountDeactivated(string AccountId, DateTimeOffset At);

public sealed record AcmeAccountKeyChanged(string AccountId, string OldThumbprint, string Jwk, string Thumbprint, DateTimeOffset At);

/// <summary>The first event of a key's stream: the key belongs to this account.</summary>
public sealed record AcmeAccountKeyBound(string Thumbprint, string AccountId, DateTimeOffset At);

/// <summary>The account moved to another key; this key belongs to nobody now, and can never be bound again.</summary>
public sealed record AcmeAccountKeyReleased(string Thumbprint, string AccountId, DateTimeOffset At);

public sealed record AcmeIdentifierData(string Type, string Value);

public sealed record AcmeOrderCreated(
    string OrderId,
    string AccountId,
    string Profile,
    AcmeIdentifierData[] Identifiers,
    string[] AuthorizationIds,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string? Replaces,
    DateTimeOffset Expires,
    DateTimeOffset At);

/// <summary>Finalize was accepted: the enrollment <see cref="EnrollmentId"/> runs with the order as its transaction.</summary>
public sealed record AcmeOrderFinalizing(string OrderId, string EnrollmentId, DateTimeOffset At);

public sealed record AcmeOrderIssued(string OrderId, string Serial, DateTimeOffset At);

/// <summary>The order failed: <see cref="RejectionReason"/> names the enrollment's refusal, when that was the cause.</summary>
public sealed record AcmeOrderInvalidated(string OrderId, string ErrorType, string Detail, string? RejectionReason, DateTimeOffset At);

public sealed record AcmeChallengeData(string Type, string Token);

/// <summary>
/// An authorization for one identifier. <see cref="PreAuthorized"/>: valid from the start, without a challenge, because
/// the account's EAB credential covers the identifier and the profile allows it.
/// </summary>
public sealed record AcmeAuthorizationCreated(
    string AuthorizationId,
    string AccountId,
    string OrderId,
    AcmeIdentifierData Identifier,
    bool Wildcard,
    AcmeChallengeData[] Challenges,
    bool PreAuthorized,
    string? PreAuthorizedBy,
    DateTimeOffset Expires,
    DateTimeOffset At);

/// <summary>The client asked for validation; the key authorization is kept so a validation cut short by a restart runs again.</summary>
public sealed record AcmeChallengeStarted(string AuthorizationId, string Type, string KeyAuthorization, DateTimeOffset At);

public sealed record AcmeChallengeValidated(string AuthorizationId, string Type, string[] AddressesUsed, DateTimeOffset At);

public sealed record AcmeChallengeFailed(string AuthorizationId, string Type, string ErrorType, string Detail, string[] AddressesUsed, DateTimeOffset At);

public sealed record AcmeAuthorizationDeactivated(string AuthorizationId, DateTimeOffset At);
