namespace Gateway.Store;

/// <summary>A certificate counted by a quota: the enrollment it was issued for and when.</summary>
public sealed record IssuedEntry(string EnrollmentId, DateTimeOffset IssuedAt);
