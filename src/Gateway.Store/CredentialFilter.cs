namespace Gateway.Store;

/// <summary>
/// Store-level credential filter. <see cref="Statuses"/> are stored statuses (Active, Exhausted, Revoked); expiry is
/// derived from the clock: <see cref="ExpiredAt"/> keeps those expired at that instant, <see cref="UnexpiredAt"/> those not.
/// </summary>
public sealed record CredentialFilter(
    string? Profile = null,
    string[]? Statuses = null,
    DateTimeOffset? ExpiredAt = null,
    DateTimeOffset? UnexpiredAt = null,
    int Skip = 0,
    int Take = 50);
