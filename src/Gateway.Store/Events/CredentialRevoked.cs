namespace Gateway.Store.Events;

public sealed record CredentialRevoked(
    string CredentialId,
    string Actor,
    DateTimeOffset At);
