namespace Gateway.Contracts.Grains;

/// <summary>
/// The outcome of <see cref="IQuotaGrain.ReserveAsync"/>: whether a slot was taken and how many certificates were
/// issued or reserved in the window before this request (at most the limit). A reservation names its
/// <see cref="Slot"/> and the slot stream's <see cref="SlotVersion"/>: the enrollment appends to that stream at that
/// version in its issuance commit, so the limit holds in the store even across nodes, activations and crashes.
/// </summary>
[GenerateSerializer, Immutable, Alias("Gateway.QuotaReservation")]
public sealed record QuotaReservation(
    [property: Id(0)] bool Reserved,
    [property: Id(1)] int CountBefore,
    [property: Id(2)] int Slot = -1,
    [property: Id(3)] long SlotVersion = 0);
