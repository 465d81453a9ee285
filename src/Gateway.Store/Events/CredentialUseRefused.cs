namespace Gateway.Store.Events;

/// <summary>A use of a credential that was refused (and counted nothing): <see cref="Status"/> says why, machine-readably.</summary>
public sealed record CredentialUseRefused(
    string CredentialId,
    string Profile,
    string Protocol,
    string? Reference,
    string[] Names,
    string Status,
    string Reason,
    DateTimeOffset At);
