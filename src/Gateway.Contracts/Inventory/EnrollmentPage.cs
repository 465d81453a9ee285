namespace Gateway.Contracts.Inventory;

[GenerateSerializer, Immutable, Alias("Gateway.EnrollmentPage")]
public sealed record EnrollmentPage(
    [property: Id(0)] IReadOnlyList<EnrollmentInfo> Items,
    [property: Id(1)] long Total,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);
