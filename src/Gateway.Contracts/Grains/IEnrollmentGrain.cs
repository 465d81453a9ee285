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
    Task<EnrollmentDecisionResult> ApproveAsync(string actor, string? comment = null);

    /// <summary>An administrator denies a pending enrollment. Idempotent: denying a denied enrollment reports it.</summary>
    [Alias("DenyAsync")]
    Task<EnrollmentDecisionResult> DenyAsync(string actor, string reason);

    /// <summary>
    /// The requester confirms the certificate <paramref name="serial"/> it was issued (CMP certConf, accepted): an
    /// <see cref="AwaitingConfirmationOutcome"/> becomes <see cref="IssuedOutcome"/>. Idempotent. Another serial, or an
    /// enrollment with no certificate: <see cref="RejectionReason.UnknownCertificateId"/>. Too late (the certificate was
    /// revoked for want of confirmation), or refused before: the refusal, a <see cref="RejectedOutcome"/>.
    /// </summary>
    [Alias("ConfirmAsync")]
    Task<EnrollmentOutcome> ConfirmAsync(string serial);

    /// <summary>
    /// The requester refuses the certificate <paramref name="serial"/> it was issued (CMP certConf, rejection): the
    /// certificate is revoked (cessationOfOperation) and the refusal recorded. Idempotent. Another serial:
    /// <see cref="RejectionReason.UnknownCertificateId"/>; a certificate already confirmed cannot be refused (it stays
    /// <see cref="IssuedOutcome"/>: revoke it instead).
    /// </summary>
    [Alias("RefuseAsync")]
    Task<EnrollmentOutcome> RefuseAsync(string serial, string reason);

    /// <summary>Revokes the certificate if it still awaits confirmation past its deadline (the sweep's and the grain timer's call); the outcome after.</summary>
    [Alias("ExpireConfirmationAsync")]
    Task<EnrollmentOutcome?> ExpireConfirmationAsync();
}
