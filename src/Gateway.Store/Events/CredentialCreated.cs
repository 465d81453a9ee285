namespace Gateway.Store.Events;

/// <summary>
/// First event of a credential stream (<see cref="CredentialStreams.For"/>). The secret itself is not here: only its
/// salted hash (to check EST/SCEP passwords) and its AES-GCM encryption under the gateway's credential key (CMP MAC and
/// ACME EAB need the raw key). Neither is ever shown by the admin API or the history.
/// </summary>
public sealed record CredentialCreated(
    string CredentialId,
    string Profile,
    int? MaxUses,
    DateTimeOffset? ExpiresAt,
    string[] Subjects,
    string? Description,
    string SecretHashAlgorithm,
    byte[] SecretSalt,
    byte[] SecretHash,
    string EncryptionKeyId,
    byte[] EncryptedSecret,
    string Actor,
    DateTimeOffset At);
