using Gateway.Contracts.Credentials;
using Gateway.Contracts.Inventory;
using Orleans.Concurrency;

namespace Gateway.Contracts.Grains;

/// <summary>
/// One enrollment credential (key = credential id, see <see cref="CredentialSecrets"/>). One activation per credential
/// in the cluster, so use counting is exact. Front-ends authenticate with <see cref="VerifySecretAsync"/> (EST Basic,
/// SCEP challengePassword) or <see cref="GetMacKeyAsync"/> / <see cref="GetEabHmacKeyAsync"/> (CMP MAC, ACME EAB) and
/// then hand the enrollment on with <c>Requester(method, credential id)</c>: the enrollment grain counts the use.
/// </summary>
[Alias("Gateway.ICredentialGrain")]
public interface ICredentialGrain : IGrainWithStringKey
{
    /// <summary>Creates this credential with a new secret (used by the directory grain); null if the id is taken.</summary>
    [Alias("CreateAsync")]
    Task<CreatedCredential?> CreateAsync(CredentialSpec spec, string actor);

    /// <summary>The credential, or null when unknown.</summary>
    [Alias("GetAsync")]
    Task<CredentialInfo?> GetAsync();

    /// <summary>
    /// Checks <paramref name="secret"/> (constant time) and that the credential may be used now for
    /// <paramref name="profile"/> (not revoked, expired or exhausted). Counts nothing, records nothing.
    /// </summary>
    [Alias("VerifySecretAsync")]
    Task<CredentialCheck> VerifySecretAsync(string secret, string profile);

    /// <summary>
    /// The raw secret as CMP password-based MAC key material (UTF-8 bytes of the secret), for in-process front-ends
    /// only; null when the credential is unknown, revoked, expired, exhausted or bound to another profile.
    /// </summary>
    [Alias("GetMacKeyAsync")]
    Task<byte[]?> GetMacKeyAsync(string profile);

    /// <summary>
    /// The CMP MAC key (as <see cref="GetMacKeyAsync"/>) with the check behind it; the key is also handed out for an
    /// exhausted credential, whose transactions still need their confirmation and polls MAC-protected (see <see cref="CredentialMacKey"/>).
    /// </summary>
    [Alias("GetMacKeyCheckedAsync")]
    Task<CredentialMacKey> GetMacKeyCheckedAsync(string profile);

    /// <summary>The ACME EAB HMAC key (the secret decoded as base64url); null as for <see cref="GetMacKeyAsync"/>.</summary>
    [Alias("GetEabHmacKeyAsync")]
    Task<byte[]?> GetEabHmacKeyAsync(string profile);

    /// <summary>
    /// Counts one use: checks the secret if given, the profile, revocation, expiry, remaining uses and the subjects
    /// constraint, then records a <c>CredentialUsed</c> event (committed before this returns). A refused use is
    /// recorded as <c>CredentialUseRefused</c> and counts nothing.
    /// </summary>
    [Alias("ConsumeAsync")]
    Task<CredentialCheck> ConsumeAsync(CredentialUse use);

    /// <summary>
    /// Checks one use for an enrollment (reference = enrollment id) as <see cref="ConsumeAsync"/> does, but records
    /// nothing for a valid use: the enrollment spends it in the same commit as its certificate (see
    /// <see cref="CredentialReservation"/>), so a failed issuance spends nothing. A refused use is recorded as
    /// <c>CredentialUseRefused</c>.
    /// </summary>
    [Alias("ReserveUseAsync")]
    Task<CredentialReservation> ReserveUseAsync(CredentialUse use);

    /// <summary>
    /// The enrollment committed the certificate the use <see cref="ReserveUseAsync"/> reserved. A limited credential's use
    /// was committed with it (this activation only counts it); an unlimited credential's use is recorded now, batched
    /// with others, so a fleet sharing one static secret does not contend for the credential's stream in every
    /// certificate's commit. One-way: the enrollment's answer does not wait for it.
    /// </summary>
    [Alias("UseCommittedAsync"), OneWay, AlwaysInterleave]
    Task UseCommittedAsync(CredentialUse use, CredentialReservation reservation, DateTimeOffset at);

    /// <summary>An enrollment lost the race for the credential's stream version: re-read the credential from the store.</summary>
    [Alias("RefreshAsync")]
    Task RefreshAsync();

    /// <summary>Revokes the credential (idempotent); null when unknown.</summary>
    [Alias("RevokeAsync")]
    Task<CredentialInfo?> RevokeAsync(string actor);

    /// <summary>The credential's events (created, used, refused, revoked), oldest first; null when unknown.</summary>
    [Alias("GetHistoryAsync")]
    Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync();
}
