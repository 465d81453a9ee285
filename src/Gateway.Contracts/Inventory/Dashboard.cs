namespace Gateway.Contracts.Inventory;

/// <summary>Certificates issued in one time bucket (an hour or a day, UTC) by one protocol under one profile.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.IssuanceBucket")]
public sealed record IssuanceBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] string Protocol,
    [property: Id(2)] string Profile,
    [property: Id(3)] long Count);

/// <summary>A rejected enrollment, as the dashboard lists it.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.RecentRejection")]
public sealed record RecentRejection(
    [property: Id(0)] string EnrollmentId,
    [property: Id(1)] DateTimeOffset RequestedAt,
    [property: Id(2)] string Profile,
    [property: Id(3)] string Protocol,
    [property: Id(4)] string Requester,
    [property: Id(5)] string Subject,
    [property: Id(6)] string? Reason,
    [property: Id(7)] string? Message,
    [property: Id(8)] string? DecidedBy,
    [property: Id(9)] string? DecidingRule);

/// <summary>
/// The console's dashboard over [<see cref="From"/>, <see cref="To"/>): issued certificates per bucket
/// (<see cref="Bucket"/> is <c>hour</c> or <c>day</c>), pending approvals, valid certificates expiring within 7 and 30
/// days, and the latest rejections in the window.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.Dashboard")]
public sealed record Dashboard(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] string Bucket,
    [property: Id(3)] IReadOnlyList<IssuanceBucket> Issued,
    [property: Id(4)] long PendingApprovals,
    [property: Id(5)] long ExpiringWithin7Days,
    [property: Id(6)] long ExpiringWithin30Days,
    [property: Id(7)] IReadOnlyList<RecentRejection> RecentRejections);
