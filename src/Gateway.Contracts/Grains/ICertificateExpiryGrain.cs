namespace Gateway.Contracts.Grains;

/// <summary>
/// Marks certificates past their notAfter with a <c>CertificateExpired</c> event (key 0: one activation in the
/// cluster, so one sweep at a time). Each silo's expiry service calls <see cref="SweepAsync"/> on its schedule;
/// sweeping is idempotent.
/// </summary>
[Alias("Gateway.ICertificateExpiryGrain")]
public interface ICertificateExpiryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Marks every certificate still valid in the store whose notAfter has passed, unless a sweep finished less than
    /// <paramref name="minimumInterval"/> ago (then does nothing: another silo just swept).
    /// </summary>
    [Alias("SweepAsync")]
    Task<ExpirySweepResult> SweepAsync(TimeSpan minimumInterval);
}

/// <summary>How many certificates a sweep marked expired; <see cref="Skipped"/> when a recent sweep made it unnecessary.</summary>
[GenerateSerializer, Immutable, Alias("Gateway.ExpirySweepResult")]
public sealed record ExpirySweepResult(
    [property: Id(0)] int Marked,
    [property: Id(1)] bool Skipped,
    [property: Id(2)] DateTimeOffset At);
