namespace Gateway.Contracts.Grains;

/// <summary>One issued certificate's lifecycle (key = serial, lowercase hex).</summary>
[Alias("Gateway.ICertificateGrain")]
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>Revokes the certificate; idempotent (a second revocation reports the first).</summary>
    [Alias("RevokeAsync")]
    Task<RevocationResult> RevokeAsync(RevocationReason reason, string actor, DateTimeOffset? invalidityDate);
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
}
