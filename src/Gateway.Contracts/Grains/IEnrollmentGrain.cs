namespace Gateway.Contracts.Grains;

/// <summary>One enrollment, keyed by <see cref="EnrollmentKeys.For"/> (protocol + transaction id): a retry of the same request returns the same outcome.</summary>
[Alias("Gateway.IEnrollmentGrain")]
public interface IEnrollmentGrain : IGrainWithStringKey
{
    [Alias("EnrollAsync")]
    Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request);

    /// <summary>The outcome so far, or null when this transaction id was never seen.</summary>
    [Alias("GetOutcomeAsync")]
    Task<EnrollmentOutcome?> GetOutcomeAsync();
}
