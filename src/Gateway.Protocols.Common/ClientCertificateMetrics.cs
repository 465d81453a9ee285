using System.Diagnostics.Metrics;
using Gateway.Contracts.Inventory;

namespace Gateway.Protocols.Common;

/// <summary>
/// Client-certificate authentication instruments (meter <c>Gateway.Authentication</c>): TLS client certificates refused,
/// by reason. Reasons: <c>unknown</c> (chains to this CA but is not in the store), <c>revoked</c>, <c>expired</c>,
/// <c>on_hold</c>, <c>mismatch</c> (the store holds another certificate under that serial), <c>untrusted</c> (chains to
/// no anchor the profile accepts), <c>not_gateway_issued</c> (re-enrollment with a certificate this CA did not issue),
/// <c>not_client_auth</c> (no clientAuth EKU), <c>wrong_profile</c> (issued under a profile the target does not accept).
/// Recorded by the enrollment port for every protocol.
/// </summary>
public sealed class ClientCertificateMetrics
{
    public const string MeterName = "Gateway.Authentication";
    public const string Refusals = "gateway.client_certificate.refusals";

    public const string Unknown = "unknown";
    public const string Mismatch = "mismatch";
    public const string Untrusted = "untrusted";
    public const string NotGatewayIssued = "not_gateway_issued";
    public const string NotClientAuth = "not_client_auth";
    public const string WrongProfile = "wrong_profile";
    public const string Expired = "expired";

    private readonly Counter<long> _refusals;

    public ClientCertificateMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _refusals = meterFactory.Create(MeterName).CreateCounter<long>(Refusals, "{refusal}", "TLS client certificates refused, by reason.");
    }

    public void RecordRefusal(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>
    /// A certificate that chains to this CA refused after the store was asked about it: <paramref name="record"/> is what
    /// the store holds under its serial (null: nothing).
    /// </summary>
    public void RecordRefusal(CertificateInfo? record) => RecordRefusal(ReasonFor(record));

    public static string ReasonFor(CertificateInfo? record) => record?.Status switch
    {
        null => Unknown,
        CertificateStatus.Revoked => "revoked",
        CertificateStatus.Expired => "expired",
        CertificateStatus.OnHold => "on_hold",
        _ => Mismatch,
    };
}
