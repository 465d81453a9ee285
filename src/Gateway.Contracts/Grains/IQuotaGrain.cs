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
}
