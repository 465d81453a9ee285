namespace Gateway.Contracts.Inventory;

/// <summary>
/// Filters for listing enrollments, newest first; every filter is optional. Subject and SAN match by substring,
/// case-insensitive; <see cref="Requester"/> is <c>method:principal</c> exactly; requested in [<see cref="RequestedFrom"/>, <see cref="RequestedBefore"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentQuery")]
public sealed record EnrollmentQuery(
    [property: Id(0)] EnrollmentStatus? Status = null,
    [property: Id(1)] string? Profile = null,
    [property: Id(2)] EnrollmentProtocol? Protocol = null,
    [property: Id(3)] string? Requester = null,
    [property: Id(4)] string? Subject = null,
    [property: Id(5)] string? San = null,
    [property: Id(6)] int Page = 1,
    [property: Id(7)] int PageSize = 50,
    [property: Id(8)] DateTimeOffset? RequestedFrom = null,
    [property: Id(9)] DateTimeOffset? RequestedBefore = null);
