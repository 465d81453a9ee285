using Gateway.Contracts;
using Gateway.Contracts.Acme;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Acme;

/// <summary>
/// One ACME order (key = order id). Created with its authorizations in one commit; ready once they are all valid;
/// finalized as an ordinary enrollment whose transaction is the order (so a retried finalize, or a restart in the middle,
/// finds the same enrollment and never a second certificate).
/// </summary>
internal sealed class AcmeOrderGrain(IEventWriter writer, AcmeQueries queries, TimeProvider time, ILogger<AcmeOrderGrain> logger)
    : Grain, IAcmeOrderGrain
{
    private AcmeOrderRecord? _record;
    private TimeSpan? _retryAfter;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _record = await queries.GetOrderAsync(Id, cancellationToken);

    public async Task<AcmeResult<AcmeOrderInfo>> CreateAsync(AcmeNewOrder order)
    {
        if (_record is not null) return AcmeResult<AcmeOrderInfo>.Refused("malformed", "This order exists already.", 409);
        if (order.Identifiers.Count == 0) throw new ArgumentException("An order names at least one identifier.", nameof(order));
        var now = time.GetUtcNow();
        var expires = now + order.OrderLifetime;
        var authorizationExpires = now + order.AuthorizationLifetime;
        var appends = new List<StreamAppend>();
        var authorizationIds = new List<string>();
        foreach (var identifier in order.Identifiers)
        {
            var wildcard = identifier.Type == "dns" && identifier.Value.StartsWith("*.", StringComparison.Ordinal);
            var value = wildcard ? identifier.Value[2..] : identifier.Value;
            // RFC 8555 §8.3/§8.4, RFC 8737, RFC 8738: a wildcard is proved by dns-01 only; an IP address has no dns-01.
            string[] types = wildcard ? ["dns-01"] : identifier.Type == "ip" ? ["http-01", "tls-alpn-01"] : ["http-01", "dns-01", "tls-alpn-01"];
            var preAuthorized = order.PreAuthorized.Contains(identifier);
            var id = AcmeIds.New();
            authorizationIds.Add(id);
            appends.Add(new StreamAppend(AcmeStreams.Authorization(id), true, [new AcmeAuthorizationCreated(id, order.AccountId, Id,
                new AcmeIdentifierData(identifier.Type, value), wildcard, [.. types.Select(t => new AcmeChallengeData(t, AcmeIds.New()))],
                preAuthorized, preAuthorized ? "eab-credential-subjects" : null, authorizationExpires, now)]));
        }
        var created = new AcmeOrderCreated(Id, order.AccountId, order.Profile, [.. order.Identifiers.Select(i => new AcmeIdentifierData(i.Type, i.Value))],
            [.. authorizationIds], order.NotBefore, order.NotAfter, order.Replaces, expires, now);
        appends.Insert(0, new StreamAppend(AcmeStreams.Order(Id), true, [created]));
        await writer.AppendAsync(appends);
        _record = AcmeOrderRecord.Create(created);
        logger.LogInformation("ACME order {OrderId} of account {AccountId} in {Profile}: {Identifiers} ({PreAuthorized} pre-authorized)",
            Id, order.AccountId, order.Profile, string.Join(", ", order.Identifiers), order.PreAuthorized.Count);
        return AcmeResult<AcmeOrderInfo>.Ok(await InfoAsync(_record));
    }

    public async Task<AcmeOrderInfo?> GetAsync() => _record is null ? null : await InfoAsync(_record);

    public async Task<AcmeResult<AcmeOrderInfo>> FinalizeAsync(string accountId, byte[] csr, Requester requester)
    {
        if (_record is not { } r) return AcmeResult<AcmeOrderInfo>.Refused("malformed", "No such order.", 404);
        if (r.AccountId != accountId) return AcmeResult<AcmeOrderInfo>.Refused("unauthorized", "The order belongs to another account.", 403);
        var (status, _) = await StatusAsync(r);
        if (status != "ready")
            return AcmeResult<AcmeOrderInfo>.Refused("orderNotReady", $"The order is {status}: finalize needs it ready (every authorization valid).", 403);

        var enrollmentId = EnrollmentKeys.For(EnrollmentProtocol.Acme, Id);
        var finalizing = new AcmeOrderFinalizing(Id, enrollmentId, time.GetUtcNow());
        try
        {
            await writer.AppendAsync([new StreamAppend(AcmeStreams.Order(Id), false, [finalizing], r.Version)]);
        }
        catch (StreamVersionConflictException)
        {
            _record = await queries.GetOrderAsync(Id);
            return AcmeResult<AcmeOrderInfo>.Refused("orderNotReady", "The order changed meanwhile (finalized by another request).", 403);
        }
        r.Apply(finalizing);
        var outcome = await GrainFactory.GetGrain<IEnrollmentGrain>(enrollmentId)
            .EnrollAsync(new EnrollmentRequest(EnrollmentProtocol.Acme, r.Profile, requester, Id, csr));
        await RecordAsync(r, outcome);
        return AcmeResult<AcmeOrderInfo>.Ok(await InfoAsync(r));
    }

    private async Task RecordAsync(AcmeOrderRecord r, EnrollmentOutcome outcome)
    {
        object? done = outcome switch
        {
            IssuedOutcome issued => new AcmeOrderIssued(Id, issued.Serial, time.GetUtcNow()),
            RejectedOutcome rejected => new AcmeOrderInvalidated(Id, "rejected", rejected.Message, rejected.Reason.ToString(), time.GetUtcNow()),
            _ => null,
        };
        _retryAfter = outcome is PendingOutcome pending ? pending.RetryAfter : null;
        if (done is null) return;
        try
        {
            await writer.AppendAsync([new StreamAppend(AcmeStreams.Order(Id), false, [done], r.Version)]);
        }
        catch (StreamVersionConflictException)
        {
            _record = await queries.GetOrderAsync(Id); // recorded by another activation meanwhile
            return;
        }
        switch (done)
        {
            case AcmeOrderIssued i: r.Apply(i); logger.LogInformation("ACME order {OrderId}: issued {Serial}", Id, i.Serial); break;
            case AcmeOrderInvalidated v: r.Apply(v); logger.LogInformation("ACME order {OrderId}: refused ({Reason}: {Detail})", Id, v.RejectionReason, v.Detail); break;
        }
    }

    private async Task<(string Status, AcmeError? Error)> StatusAsync(AcmeOrderRecord r)
    {
        if (r.FinalStatus == "processing" && r.EnrollmentId is { } enrollmentId)
        {
            // A finalize cut short (restart, another node) or waiting for approval: the enrollment knows how it ended.
            var outcome = await GrainFactory.GetGrain<IEnrollmentGrain>(enrollmentId).GetOutcomeAsync();
            if (outcome is not null) await RecordAsync(r, outcome);
            r = _record ?? r;
            // Finalize failed before its enrollment recorded anything (the store or cluster was unavailable): the order is
            // ready again, so the client can finalize once more (the same transaction: never a second certificate).
            if (outcome is null && r.FinalStatus == "processing") return ("ready", null);
        }
        if (r.FinalStatus is { } final)
        {
            var error = final == "invalid"
                ? new AcmeError(r.ErrorType ?? "serverInternal", r.ErrorDetail ?? "", Enum.TryParse<RejectionReason>(r.RejectionReason, out var reason) ? reason : null)
                : null;
            return (final, error);
        }
        if (time.GetUtcNow() >= r.Expires) return ("invalid", new AcmeError("malformed", "The order expired before it was finalized."));
        var ready = true;
        foreach (var authorizationId in r.AuthorizationIds)
        {
            var authorization = await GrainFactory.GetGrain<IAcmeAuthorizationGrain>(authorizationId).GetAsync();
            switch (authorization?.Status)
            {
                case "valid": continue;
                case "pending": ready = false; continue;
                default:
                    var failed = authorization?.Challenges.FirstOrDefault(c => c.Error is not null)?.Error;
                    return ("invalid", failed ?? new AcmeError("unauthorized", $"The authorization for {authorization?.Identifier.Value} is {authorization?.Status ?? "missing"}."));
            }
        }
        return (ready ? "ready" : "pending", null);
    }

    private async Task<AcmeOrderInfo> InfoAsync(AcmeOrderRecord r)
    {
        var (status, error) = await StatusAsync(r);
        r = _record ?? r;
        return new AcmeOrderInfo(r.OrderId, r.AccountId, r.Profile, status, r.Expires, [.. r.Identifiers.Select(i => new AcmeIdentifier(i.Type, i.Value))],
            r.AuthorizationIds, r.NotBefore, r.NotAfter, r.Serial, error, r.Replaces, status == "processing" ? _retryAfter ?? TimeSpan.FromSeconds(3) : null);
    }
}
