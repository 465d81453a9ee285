using System.Diagnostics.Metrics;
using Gateway.Contracts.Revocation;

namespace Gateway.Protocols.Ocsp;

/// <summary>
/// The OCSP responder's instruments (meter <c>Gateway.Ocsp</c>): every answer sent, by what it says — the certificate
/// status of a successful answer (good, revoked, unknown) or the error status (malformed, unauthorized, internal_error,
/// try_later, sig_required).
/// </summary>
public sealed class OcspMetrics
{
    public const string MeterName = "Gateway.Ocsp";
    public const string Responses = "gateway.ocsp.responses";

    private readonly Counter<long> _responses;

    public OcspMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _responses = meterFactory.Create(MeterName).CreateCounter<long>(Responses, "{response}",
            "OCSP responses sent, by status: the certificate status (good, revoked, unknown) or the OCSP error status.");
    }

    /// <summary>One answer sent.</summary>
    public void Record(OcspAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        _responses.Add(1, new KeyValuePair<string, object?>("status", StatusOf(answer)));
    }

    /// <summary>The <c>status</c> tag of an answer.</summary>
    public static string StatusOf(OcspAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Status switch
        {
            OcspResponseStatus.Successful => answer.CertificateState switch
            {
                OcspCertificateState.Good => "good",
                OcspCertificateState.Revoked => "revoked",
                _ => "unknown",
            },
            OcspResponseStatus.MalformedRequest => "malformed",
            OcspResponseStatus.InternalError => "internal_error",
            OcspResponseStatus.TryLater => "try_later",
            OcspResponseStatus.SigRequired => "sig_required",
            OcspResponseStatus.Unauthorized => "unauthorized",
            _ => "other",
        };
    }
}
