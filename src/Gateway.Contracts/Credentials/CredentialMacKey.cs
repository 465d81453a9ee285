namespace Gateway.Contracts.Credentials;

/// <summary>
/// A credential's MAC key material for a front-end that verifies a MAC itself (CMP password-based MAC), with the check
/// that decided whether it is handed out. <see cref="Key"/> is set when the credential may still answer for the profile:
/// <see cref="CredentialCheckStatus.Valid"/>, or <see cref="CredentialCheckStatus.Exhausted"/> (a transaction that spent
/// the last use still has to be confirmed, polled or retransmitted under the same secret; the enrollment refuses anything new).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.CredentialMacKey")]
public sealed record CredentialMacKey(
    [property: Id(0)] CredentialCheck Check,
    [property: Id(1)] byte[]? Key);
