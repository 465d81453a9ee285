using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Gateway.Store;
using Gateway.Store.Records;
using Orleans.Concurrency;

namespace Gateway.Grains;

/// <summary>The enrollments' read side (explainability), run locally on every silo.</summary>
[StatelessWorker]
internal sealed class EnrollmentInventoryGrain(EnrollmentQueries enrollments, InventoryQueries inventory, TimeProvider time) : Grain, IEnrollmentInventoryGrain
{
    public async Task<EnrollmentPage> QueryEnrollmentsAsync(EnrollmentQuery query)
    {
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        var filter = new EnrollmentFilter(
            Statuses: query.Status is { } status ? [status.ToString()] : null,
            Profile: query.Profile,
            Protocol: query.Protocol is { } protocol ? EnrollmentGrain.ProtocolName(protocol) : null,
            Requester: query.Requester,
            Subject: query.Subject,
            San: query.San,
            RequestedFrom: query.RequestedFrom,
            RequestedBefore: query.RequestedBefore,
            Skip: (page - 1) * size,
            Take: size);
        var (items, total) = await enrollments.QueryAsync(filter);
        return new EnrollmentPage(items.Select(r => ToInfo(r, null, null)).ToList(), total, page, size);
    }

    public async Task<EnrollmentInfo?> GetEnrollmentAsync(string enrollmentId)
    {
        var stream = await enrollments.GetStreamAsync(enrollmentId);
        if (stream is null) return null;
        CertificateInfo? certificate = null;
        if (stream.Record.Serial is { } serial && await inventory.GetCertificateAsync(serial) is { } record)
        {
            certificate = InventoryGrain.ToInfo(record, time.GetUtcNow());
        }
        return ToInfo(stream.Record, certificate, stream.Requested.Csr);
    }

    private static EnrollmentInfo ToInfo(EnrollmentRecord r, CertificateInfo? certificate, byte[]? csr) => new(
        r.Id,
        Enum.TryParse<EnrollmentStatus>(r.Status, out var status) ? status : EnrollmentStatus.Requested,
        Enum.TryParse<EnrollmentProtocol>(r.Protocol, true, out var protocol) ? protocol : EnrollmentProtocol.Admin,
        r.Profile,
        r.Requester,
        r.TransactionId,
        r.Subject,
        r.SubjectAltNames,
        r.Key,
        r.RenewalOf,
        r.RequestedAt,
        r.UpdatedAt,
        r.ProfileVersion,
        r.DecidedBy,
        r.DecidingRule,
        Enum.TryParse<RejectionReason>(r.RejectionReason, out var reason) ? reason : null,
        r.Message,
        r.Rules.Select(x => new FiredRule(x.Rule, Enum.TryParse<DecisionEffect>(x.Effect, true, out var e) ? e : DecisionEffect.Deny, x.Reason)).ToList(),
        r.Serial,
        certificate,
        csr,
        r.ApprovalRequired);
}
