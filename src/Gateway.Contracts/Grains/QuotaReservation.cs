namespace Gateway.Contracts.Grains;

/// <summary>
/// The outcome of <see cref="IQuotaGrain.ReserveAsync"/>: whether a slot was taken and how many certificates were
/// issued or reserved in the window before this request (at most the limit).
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.QuotaReservation")]
public sealed record QuotaReservation(
    [property: Id(0)] bool Reserved,
    [property: Id(1)] int CountBefore);
