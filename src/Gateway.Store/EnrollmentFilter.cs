namespace Gateway.Store;

/// <summary>Store-level enrollment filter (statuses as stored: Requested, Approved, Rejected, Pending, Issued), newest first.</summary>
public sealed record EnrollmentFilter(
    string[]? Statuses = null,
    string? Profile = null,
    string? Protocol = null,
    string? Requester = null,
    string? Subject = null,
    string? San = null,
    DateTimeOffset? RequestedFrom = null,
    DateTimeOffset? RequestedBefore = null,
    int Skip = 0,
    int Take = 50);
