namespace Gateway.Store.Events;

/// <summary>A certificate on certificateHold is valid again (removeFromCRL); only profiles with <c>revocation.allowHold</c> get here.</summary>
public sealed record CertificateHoldReleased(
    string Serial,
    string Actor,
    DateTimeOffset At);
