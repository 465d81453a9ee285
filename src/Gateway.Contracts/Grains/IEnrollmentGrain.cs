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

    /// <summary>
    /// An administrator approves a pending enrollment: policy is evaluated again (now, with fresh facts), the
    /// certificate is issued and committed before this returns. Idempotent: approving an approved enrollment reports it.
    /// </summary>
    [Alias("ApproveAsync")]
    Task<EnrollmentDecisionResult> ApproveAsync(string actor);

    /// <summary>An administrator denies a pending enrollment. Idempotent: denying a denied enrollment reports it.</summary>
    [Alias("DenyAsync")]
    Task<EnrollmentDecisionResult> DenyAsync(string actor, string reason);
}
