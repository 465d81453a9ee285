namespace Gateway.Contracts.Grains;

/// <summary>
/// One quota scope (key = <see cref="QuotaKeys.ForRequester"/> or <see cref="QuotaKeys.ForProfile"/>): counts the
/// certificates issued in a sliding window, one activation per scope so concurrent enrollments are counted exactly.
/// A slot is reserved before issuing and released when the enrollment is not issued after all.
/// </summary>
[Alias("Gateway.IQuotaGrain")]
public interface IQuotaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves a slot for <paramref name="reservationId"/> (the enrollment id) when fewer than <paramref name="limit"/>
    /// certificates were issued or reserved within <paramref name="window"/>; idempotent per reservation id.
    /// </summary>
    [Alias("ReserveAsync")]
    Task<QuotaReservation> ReserveAsync(string reservationId, int limit, TimeSpan window);

    /// <summary>Gives a reserved slot back (the enrollment was rejected or failed); unknown ids are ignored.</summary>
    [Alias("ReleaseAsync")]
    Task ReleaseAsync(string reservationId);

    /// <summary>The reservation's slot was committed with its certificate at <paramref name="at"/>.</summary>
    [Alias("CommittedAsync")]
    Task CommittedAsync(string reservationId, DateTimeOffset at);

    /// <summary>
    /// Whether the reservation's commit landed is unknown (the store failed under it), or another writer took its slot:
    /// drop it and read the window and the slots from the store again before the next reservation.
    /// </summary>
    [Alias("ForgetAsync")]
    Task ForgetAsync(string reservationId);
}
