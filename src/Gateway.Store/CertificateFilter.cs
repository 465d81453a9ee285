namespace Gateway.Store;

/// <summary>
/// Store-level certificate filter (statuses as stored: Valid, Revoked, OnHold, Expired). Newest first, or soonest
/// expiry first with <see cref="SoonestExpiryFirst"/>.
/// </summary>
public sealed record CertificateFilter(
    string? Subject = null,
    string? San = null,
    string[]? Statuses = null,
    DateTimeOffset? NotAfterBefore = null,
    DateTimeOffset? NotAfterOnOrAfter = null,
    string? Profile = null,
    string? Protocol = null,
    int Skip = 0,
    int Take = 50,
    bool SoonestExpiryFirst = false);
