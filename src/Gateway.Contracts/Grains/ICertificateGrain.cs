namespace Gateway.Contracts.Grains;

/// <summary>One issued certificate's lifecycle (key = serial, lowercase hex).</summary>
[Alias("Gateway.ICertificateGrain")]
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>Revokes the certificate; idempotent (a second revocation reports the first).</summary>
    [Alias("RevokeAsync")]
    Task<RevocationResult> RevokeAsync(RevocationReason reason, string actor, DateTimeOffset? invalidityDate);

    /// <summary>
    /// Releases a certificate from <c>certificateHold</c> (it is valid again and leaves the CRL: removeFromCRL);
    /// idempotent for a certificate that is not on hold.
    /// </summary>
    [Alias("ReleaseHoldAsync")]
    Task<HoldReleaseResult> ReleaseHoldAsync(string actor);
}

[GenerateSerializer, Immutable, Alias("Gateway.HoldReleaseResult")]
public sealed record HoldReleaseResult(
    [property: Id(0)] HoldReleaseStatus Status,
    [property: Id(1)] DateTimeOffset? ReleasedAt);

[GenerateSerializer, Alias("Gateway.HoldReleaseStatus")]
public enum HoldReleaseStatus
{
    Released = 0,
    /// <summary>Valid already (never held, or released before).</summary>
    NotOnHold = 1,
    /// <summary>Revoked for good: a final revocation is not released.</summary>
    Revoked = 2,
    NotFound = 3,
}

[GenerateSerializer, Immutable, Alias("Gateway.RevocationResult")]
public sealed record RevocationResult(
    [property: Id(0)] RevocationStatus Status,
    [property: Id(1)] DateTimeOffset? RevokedAt,
    [property: Id(2)] RevocationReason? Reason);

[GenerateSerializer, Alias("Gateway.RevocationStatus")]
public enum RevocationStatus
{
    Revoked = 0,
    AlreadyRevoked = 1,
    NotFound = 2,
    /// <summary><c>certificateHold</c> was asked for but the certificate's profile does not allow holds (<c>revocation.allowHold</c>).</summary>
    HoldNotAllowed = 3,
    /// <summary>A CA certificate (the root or an issuing CA): not revoked through the inventory; that is a CA compromise procedure.</summary>
    NotRevocable = 4,
}
