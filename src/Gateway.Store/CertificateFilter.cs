namespace Gateway.Store;

/// <summary>Store-level certificate filter (statuses as stored: Valid, Revoked, OnHold).</summary>
public sealed record CertificateFilter(
    string? Subject = null,
    string? San = null,
    string[]? Statuses = null,
    DateTimeOffset? NotAfterBefore = null,
    DateTimeOffset? NotAfterOnOrAfter = null,
    string? Profile = null,
    string? Protocol = null,
    int Skip = 0,
    int Take = 50);
