namespace Gateway.Store.Events;

/// <summary>An issuance took slot <see cref="Slot"/> of quota <see cref="Key"/> (stream <see cref="QuotaSlotStreams"/>), committed with its certificate.</summary>
public sealed record QuotaSlotTaken(string Key, int Slot, string EnrollmentId, DateTimeOffset At);
