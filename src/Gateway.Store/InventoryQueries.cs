using System.Text.Json;
using Gateway.Store.Records;
using Marten;

namespace Gateway.Store;

/// <summary>Read side for the admin API: certificates, enrollments and their event history.</summary>
public sealed class InventoryQueries(IDocumentStore store)
{
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    public async Task<EnrollmentRecord?> GetEnrollmentAsync(string enrollmentId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<EnrollmentRecord>(enrollmentId, ct).ConfigureAwait(false);
    }

    public async Task<CertificateRecord?> GetCertificateAsync(string serial, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await CertificateDer.FillAsync(session, await session.LoadAsync<CertificateRecord>(serial, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The certificate's record and the version of its stream, read in one session: a writer appends expecting that
    /// version, so a change made since (by another activation of its grain) fails its append instead of being overwritten.
    /// </summary>
    public async Task<(CertificateRecord? Record, long Version)> GetCertificateForWritingAsync(string serial, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var state = await session.Events.FetchStreamStateAsync(serial, ct).ConfigureAwait(false);
        var record = await CertificateDer.FillAsync(session, await session.LoadAsync<CertificateRecord>(serial, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return (record, state?.Version ?? 0);
    }

    public async Task<(IReadOnlyList<CertificateRecord> Items, long Total)> QueryCertificatesAsync(CertificateFilter filter, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<CertificateRecord> q = session.Query<CertificateRecord>();
        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            var s = filter.Subject;
            q = q.Where(x => x.Subject.Contains(s, StringComparison.OrdinalIgnoreCase));
        }
        if (!string.IsNullOrWhiteSpace(filter.San))
        {
            var s = filter.San.ToLowerInvariant();
            q = q.Where(x => x.SanText.Contains(s));
        }
        if (filter.Statuses is { Length: > 0 } statuses)
        {
            q = q.WithStatus(statuses);
        }
        if (filter.NotAfterBefore is { } before) q = q.Where(x => x.NotAfter < before);
        if (filter.NotAfterOnOrAfter is { } after) q = q.Where(x => x.NotAfter >= after);
        if (!string.IsNullOrWhiteSpace(filter.Profile)) { var p = filter.Profile; q = q.Where(x => x.Profile == p); }
        if (!string.IsNullOrWhiteSpace(filter.Protocol)) { var p = filter.Protocol; q = q.Where(x => x.Protocol == p); }

        var total = await q.CountAsync(ct).ConfigureAwait(false);
        var ordered = filter.SoonestExpiryFirst
            ? q.OrderBy(x => x.NotAfter).ThenBy(x => x.Id)
            : q.OrderByDescending(x => x.IssuedAt).ThenBy(x => x.Id);
        var items = await ordered
            .Skip(filter.Skip).Take(filter.Take).ToListAsync(ct).ConfigureAwait(false);
        return (await CertificateDer.FillAsync(session, items, ct).ConfigureAwait(false), total);
    }

    /// <summary>The events of the certificate's stream and of the enrollment stream that produced it, oldest first; null when unknown.</summary>
    public async Task<IReadOnlyList<HistoryItem>?> GetHistoryAsync(string serial, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var certificate = await session.LoadAsync<CertificateRecord>(serial, ct).ConfigureAwait(false);
        if (certificate is null) return null;
        var events = new List<JasperFx.Events.IEvent>();
        if (!string.IsNullOrEmpty(certificate.EnrollmentId))
        {
            events.AddRange(await session.Events.FetchStreamAsync(certificate.EnrollmentId, token: ct).ConfigureAwait(false));
        }
        events.AddRange(await session.Events.FetchStreamAsync(serial, token: ct).ConfigureAwait(false));
        return events
            .OrderBy(e => e.Sequence)
            .Select(e => new HistoryItem(e.EventTypeName, e.Timestamp, ActorOf(e.Data), e.StreamKey ?? "", e.Version, Details(e.Data)))
            .ToList();
    }

    private static string ActorOf(object data) => data switch
    {
        Events.EnrollmentRequested r => $"{r.AuthenticationMethod}:{r.Principal}",
        Events.EnrollmentApproved a => a.Actor,
        Events.AdminActionRecorded a => a.Actor,
        Events.EnrollmentRejected r => r.Actor,
        Events.CertificateRevoked r => r.Actor,
        Events.CertificateConfirmed c => c.Actor,
        Events.CertificateConfirmationRefused r => r.Actor,
        Events.CertificateHoldReleased h => h.Actor,
        Events.CertificateIssued i => i.Requester,
        _ => "gateway",
    };

    /// <summary>The event as JSON, without bulky DER blobs (those are served by the certificate endpoint).</summary>
    private static string Details(object data)
    {
        var node = JsonSerializer.SerializeToNode(data, data.GetType(), DetailsJson)!.AsObject();
        node.Remove("der");
        node.Remove("csr");
        return node.ToJsonString();
    }
}
