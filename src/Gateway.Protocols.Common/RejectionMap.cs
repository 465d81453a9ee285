using Gateway.Contracts;

namespace Gateway.Protocols.Common;

/// <summary>
/// The one map from <see cref="RejectionReason"/> to each protocol's terms (ARCHITECTURE.md rule 4). Every reason has
/// an explicit entry for every protocol (a new reason without one throws, and the table test names it).
/// </summary>
public static class RejectionMap
{
    /// <summary>The HTTP status an HTTP-status protocol (EST) answers with.</summary>
    public static int HttpStatus(RejectionReason reason) => reason switch
    {
        RejectionReason.BadRequest => 400,
        RejectionReason.BadSignature => 400,
        RejectionReason.UnknownProfile => 404,
        RejectionReason.Unauthorized => 403,
        RejectionReason.BadKey => 403,
        RejectionReason.BadName => 403,
        RejectionReason.PolicyDenied => 403,
        RejectionReason.RateLimited => 429,
        RejectionReason.BadRenewal => 403,
        RejectionReason.Denied => 403,
        RejectionReason.Unavailable => 503,
        RejectionReason.BadAlgorithm => 400,
        RejectionReason.BadCertTemplate => 400,
        RejectionReason.BadTime => 400,
        RejectionReason.BadMessageCheck => 400,
        RejectionReason.TransactionIdInUse => 409,
        RejectionReason.UnknownCertificateId => 404,
        _ => throw Unmapped(reason),
    };

    /// <summary>Seconds a client should wait before repeating a request refused for a reason that says "try again"; null otherwise.</summary>
    public static TimeSpan? RetryAfter(RejectionReason reason) => reason switch
    {
        RejectionReason.Unavailable => TimeSpan.FromSeconds(10),
        _ => null,
    };

    /// <summary>The SCEP CertRep failInfo (RFC 8894 has five; a refusal by policy is badRequest).</summary>
    public static ScepFailInfo ScepFailInfo(RejectionReason reason) => reason switch
    {
        RejectionReason.BadRequest => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadSignature => Common.ScepFailInfo.BadRequest,
        RejectionReason.UnknownProfile => Common.ScepFailInfo.BadRequest,
        RejectionReason.Unauthorized => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadKey => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadName => Common.ScepFailInfo.BadRequest,
        RejectionReason.PolicyDenied => Common.ScepFailInfo.BadRequest,
        RejectionReason.RateLimited => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadRenewal => Common.ScepFailInfo.BadCertId,
        RejectionReason.Denied => Common.ScepFailInfo.BadRequest,
        RejectionReason.Unavailable => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadAlgorithm => Common.ScepFailInfo.BadAlg,
        RejectionReason.BadCertTemplate => Common.ScepFailInfo.BadRequest,
        RejectionReason.BadTime => Common.ScepFailInfo.BadTime,
        RejectionReason.BadMessageCheck => Common.ScepFailInfo.BadMessageCheck,
        RejectionReason.TransactionIdInUse => Common.ScepFailInfo.BadRequest,
        RejectionReason.UnknownCertificateId => Common.ScepFailInfo.BadCertId,
        _ => throw Unmapped(reason),
    };

    /// <summary>The CMP PKIFailureInfo bit of an error or rejection PKIStatusInfo.</summary>
    public static CmpFailureInfo CmpFailureInfo(RejectionReason reason) => reason switch
    {
        RejectionReason.BadRequest => Common.CmpFailureInfo.BadDataFormat,
        RejectionReason.BadSignature => Common.CmpFailureInfo.BadPop,
        RejectionReason.UnknownProfile => Common.CmpFailureInfo.BadRequest,
        RejectionReason.Unauthorized => Common.CmpFailureInfo.NotAuthorized,
        RejectionReason.BadKey => Common.CmpFailureInfo.BadCertTemplate,
        RejectionReason.BadName => Common.CmpFailureInfo.BadCertTemplate,
        RejectionReason.PolicyDenied => Common.CmpFailureInfo.NotAuthorized,
        RejectionReason.RateLimited => Common.CmpFailureInfo.SystemUnavail,
        RejectionReason.BadRenewal => Common.CmpFailureInfo.BadCertId,
        RejectionReason.Denied => Common.CmpFailureInfo.NotAuthorized,
        RejectionReason.Unavailable => Common.CmpFailureInfo.SystemUnavail,
        RejectionReason.BadAlgorithm => Common.CmpFailureInfo.BadAlg,
        RejectionReason.BadCertTemplate => Common.CmpFailureInfo.BadCertTemplate,
        RejectionReason.BadTime => Common.CmpFailureInfo.BadTime,
        RejectionReason.BadMessageCheck => Common.CmpFailureInfo.BadMessageCheck,
        RejectionReason.TransactionIdInUse => Common.CmpFailureInfo.TransactionIdInUse,
        RejectionReason.UnknownCertificateId => Common.CmpFailureInfo.BadCertId,
        _ => throw Unmapped(reason),
    };

    /// <summary>The ACME problem type (RFC 8555 §6.7; <c>invalidProfile</c> from the ACME profiles extension).</summary>
    public static string AcmeProblemType(RejectionReason reason) => AcmeErrorPrefix + reason switch
    {
        RejectionReason.BadRequest => "badCSR",
        RejectionReason.BadSignature => "badCSR",
        RejectionReason.UnknownProfile => "invalidProfile",
        RejectionReason.Unauthorized => "unauthorized",
        RejectionReason.BadKey => "badPublicKey",
        RejectionReason.BadName => "rejectedIdentifier",
        RejectionReason.PolicyDenied => "unauthorized",
        RejectionReason.RateLimited => "rateLimited",
        RejectionReason.BadRenewal => "unauthorized",
        RejectionReason.Denied => "unauthorized",
        RejectionReason.Unavailable => "serverInternal",
        RejectionReason.BadAlgorithm => "badSignatureAlgorithm",
        RejectionReason.BadCertTemplate => "badCSR",
        RejectionReason.BadTime => "malformed",
        RejectionReason.BadMessageCheck => "malformed",
        RejectionReason.TransactionIdInUse => "malformed",
        RejectionReason.UnknownCertificateId => "malformed",
        _ => throw Unmapped(reason),
    };

    public const string AcmeErrorPrefix = "urn:ietf:params:acme:error:";

    private static ArgumentOutOfRangeException Unmapped(RejectionReason reason) =>
        new(nameof(reason), reason, $"RejectionReason.{reason} has no entry in {nameof(RejectionMap)}: add one for every protocol.");
}
