using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>
/// Inline projection of a credential stream (document id = the stream id, <see cref="CredentialStreams.For"/>). Holds
/// the secret's hash and ciphertext for the credential grain: map it to a view without them before showing it.
/// </summary>
public sealed class CredentialRecord
{
    /// <summary>The references (enrollment ids) of the last uses kept for idempotency: a retried enrollment is not counted twice.</summary>
    public const int RecentReferenceCount = 32;

    public string Id { get; set; } = "";
    public string CredentialId { get; set; } = "";
    /// <summary>The stream version this record reflects (set by Marten; kept by the grain for optimistic appends).</summary>
    public long Version { get; set; }
    public string Profile { get; set; } = "";
    public int? MaxUses { get; set; }
    public int Uses { get; set; }
    public int Refusals { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string[] Subjects { get; set; } = [];
    public string? Description { get; set; }
    /// <summary>Active, Exhausted or Revoked; Expired is derived from <see cref="ExpiresAt"/> and the clock.</summary>
    public string Status { get; set; } = "Active";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string[] RecentReferences { get; set; } = [];
    public string SecretHashAlgorithm { get; set; } = "";
    public byte[] SecretSalt { get; set; } = [];
    public byte[] SecretHash { get; set; } = [];
    public string EncryptionKeyId { get; set; } = "";
    public byte[] EncryptedSecret { get; set; } = [];

    public static CredentialRecord Create(CredentialCreated e) => new()
    {
        Id = CredentialStreams.For(e.CredentialId),
        CredentialId = e.CredentialId,
        Version = 1,
        Profile = e.Profile,
        MaxUses = e.MaxUses,
        ExpiresAt = e.ExpiresAt,
        Subjects = e.Subjects,
        Description = e.Description,
        CreatedBy = e.Actor,
        CreatedAt = e.At,
        SecretHashAlgorithm = e.SecretHashAlgorithm,
        SecretSalt = e.SecretSalt,
        SecretHash = e.SecretHash,
        EncryptionKeyId = e.EncryptionKeyId,
        EncryptedSecret = e.EncryptedSecret,
    };

    public void Apply(CredentialUsed e)
    {
        Version++;
        // Counted, not copied: uses of an unlimited credential commit without an expected version, so two may carry the same e.Uses.
        Uses++;
        LastUsedAt = e.At;
        if (Status == "Active" && MaxUses is { } max && Uses >= max) Status = "Exhausted";
        if (e.Reference is { Length: > 0 } reference)
        {
            RecentReferences = RecentReferences.Append(reference).TakeLast(RecentReferenceCount).ToArray();
        }
    }

    public void Apply(CredentialUseRefused e)
    {
        Version++;
        Refusals++;
    }

    public void Apply(CredentialRevoked e)
    {
        Version++;
        Status = "Revoked";
        RevokedAt = e.At;
        RevokedBy = e.Actor;
    }
}
