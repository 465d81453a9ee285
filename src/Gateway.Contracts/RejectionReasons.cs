namespace Gateway.Contracts;

/// <summary>What a <see cref="RejectionReason"/> means for the transaction it ends.</summary>
public static class RejectionReasons
{
    /// <summary>
    /// True for a refusal that says "try again" (<see cref="RejectionReason.Unavailable"/>, <see cref="RejectionReason.RateLimited"/>):
    /// it is not the transaction's final answer, and an identical retry is decided afresh.
    /// </summary>
    public static bool IsRetryable(RejectionReason reason) => reason is RejectionReason.Unavailable or RejectionReason.RateLimited;
}
