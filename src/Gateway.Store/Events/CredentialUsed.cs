namespace Gateway.Store.Events;

/// <summary>One counted use of a credential; <see cref="Uses"/> is the count including this one.</summary>
public sealed record CredentialUsed(
    string CredentialId,
    string Profile,
    string Protocol,
    string? Reference,
    string[] Names,
    int Uses,
    DateTimeOffset At);
