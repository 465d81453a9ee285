namespace Gateway.Contracts;

/// <summary>What a <see cref="RejectionReason"/> means for the transaction it ends.</summary>
public static class RejectionReasons
{
    /// <summary>
    /// True for a refusal that says "try again" (<see cref="RejectionReason.Unavailable"/>, <see cref="RejectionReason.RateLimited"/>):
    /// it is not the transaction's final answer, and an identical retry is decided afresh.
    /// </summary>
    public static bool IsRetryable(RejectionReason reason) => reason is RejectionReason.Unavailable or RejectionReason.RateLimited;

    /// <summary>"BadKey" → "bad-key": the reason as the admin API's problem types and the audit log name it.</summary>
    public static string Slug(RejectionReason reason)
    {
        var name = reason.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) chars.Append('-');
            chars.Append(char.ToLowerInvariant(name[i]));
        }
        return chars.ToString();
    }

    /// <summary>The HTTP status the admin API answers a refusal with (and the audit log records for it).</summary>
    public static int HttpStatus(RejectionReason reason) => reason switch
    {
        RejectionReason.BadRequest or RejectionReason.BadSignature or RejectionReason.BadAlgorithm or RejectionReason.BadCertTemplate
            or RejectionReason.BadTime or RejectionReason.BadMessageCheck => 400,
        RejectionReason.UnknownProfile or RejectionReason.UnknownCertificateId => 404,
        RejectionReason.TransactionIdInUse => 409,
        RejectionReason.RateLimited => 429,
        RejectionReason.Unavailable => 503,
        _ => 403,
    };
}
