namespace Gateway.Store.Events;

/// <summary>
/// A CRL was signed and published (stream <c>crl:&lt;issuer id&gt;</c>). Committed before the CRL is served, so the
/// CRL number only grows, across restarts and nodes.
/// </summary>
public sealed record CrlPublished(
    string IssuerId,
    long Number,
    DateTimeOffset ThisUpdate,
    DateTimeOffset NextUpdate,
    int Entries,
    DateTimeOffset At);
