using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Grains.Enrollment;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// Manual approval. State comes from the enrollment's own events every time (not from this activation), and the
/// decision is appended at the version read, so two administrators — or two silos — cannot both decide: the second
/// finds the enrollment decided and is told so.
/// </summary>
internal sealed partial class EnrollmentGrain
{
    public async Task<EnrollmentDecisionResult> ApproveAsync(string actor, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApproveOnceAsync(actor, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim());
            }
            catch (RaceLostException ex)
            {
                // Another enrollment took the credential's use or the quota slot first; nothing was committed: decide again.
                if (ex.CredentialId is { } credentialId) await GrainFactory.GetGrain<ICredentialGrain>(credentialId).RefreshAsync();
                if (attempt >= CredentialAttempts)
                {
                    return new EnrollmentDecisionResult(EnrollmentDecisionStatus.RefusedByPolicy, null,
                        $"{ex.What} is being used by other enrollments right now; it stays pending, approve again shortly.", []);
                }
            }
        }
    }

    private async Task<EnrollmentDecisionResult> ApproveOnceAsync(string actor, string? comment)
    {
        var id = this.GetPrimaryKeyString();
        var stream = await enrollments.GetStreamAsync(id);
        if (stream is null) return new EnrollmentDecisionResult(EnrollmentDecisionStatus.NotFound, null, $"There is no enrollment {id}.", []);
        if (stream.Record.Status != "Pending") return await SettledAsync(id, stream.Record, approving: true);
        var pending = new PendingOutcome(id, PendingRetryAfter, stream.Record.Message ?? "awaiting approval");

        // Decide again, now: the validity starts at issuance, and facts (key in use, quotas, the renewed certificate) may have changed.
        var now = time.GetUtcNow();
        if (Rebuild(stream.Requested) is not { } request)
        {
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.RefusedByPolicy, pending,
                "The request carried no CSR or template to issue from (recorded before templates were); deny it and enroll again.", []);
        }
        if (!RequestNormaliser.TryNormalise(request, now, out var input, out _, out var problem))
        {
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.RefusedByPolicy, pending, problem.Message, []);
        }
        // The same names as the request was decided with: the front-end's claims (stored) and the credential's subject (read again).
        input = await CredentialUseCheck.WithCredentialClaimsAsync(GrainFactory, input);
        var profile = Profile(request.Profile);
        var verdict = await DecideAsync(id, input, profile, request.Profile, approving: true);
        var decision = verdict.Decision;
        if (decision.Effect == DecisionEffect.Deny)
        {
            logger.LogInformation("Approval of {EnrollmentId} by {Actor} refused by policy: {Summary}", id, actor, decision.Summary);
            var status = decision.Reason == RejectionReason.RateLimited ? EnrollmentDecisionStatus.QuotaExceeded : EnrollmentDecisionStatus.RefusedByPolicy;
            return new EnrollmentDecisionResult(status, pending, decision.Summary, decision.FiredRules);
        }

        // The requester's credential use is spent with the certificate, now: it may have been revoked or used up meanwhile.
        var (refusedUse, spend) = await CredentialUseCheck.ReserveAsync(GrainFactory, id, request, input);
        if (refusedUse is not null)
        {
            if (verdict.Slots is { } slots) await slots.ReleaseAsync();
            logger.LogInformation("Approval of {EnrollmentId} by {Actor} refused: {Reason}", id, actor, refusedUse.Reason);
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.RefusedByPolicy, pending, refusedUse.Reason, [.. decision.FiredRules, refusedUse]);
        }
        verdict = verdict with { Spend = spend };

        IReadOnlyList<FiredRule> rules = [.. decision.FiredRules, new FiredRule("approval", DecisionEffect.Allow, comment is null ? $"Approved by {actor}" : $"Approved by {actor}: {comment}")];
        var approved = new EnrollmentApproved(id, actor, decision.ProfileVersion, "approval", Rules(rules), now, comment);
        var confirmBy = request.RequiresConfirmation ? now + options.Value.ConfirmationWindow : (DateTimeOffset?)null;
        EnrollmentOutcome outcome;
        bool issuedNow;
        try
        {
            (outcome, issuedNow) = await IssueAsync(id, input, profile?.Name ?? request.Profile, verdict, [approved], stream.Version, null, confirmBy, now);
        }
        catch (Gateway.Ca.IssuingCaExpiredException ex)
        {
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.RefusedByPolicy, pending, ex.Message + " It stays pending.", rules);
        }
        _outcome = outcome;
        if (issuedNow)
        {
            logger.LogInformation("Enrollment {EnrollmentId} approved by {Actor}", id, actor);
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.Approved, outcome, comment is null ? $"Approved by {actor}." : $"Approved by {actor}: {comment}", rules);
        }
        return await SettledAsync(id, (await enrollments.GetStreamAsync(id))!.Record, approving: true);
    }

    public async Task<EnrollmentDecisionResult> DenyAsync(string actor, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var id = this.GetPrimaryKeyString();
        var stream = await enrollments.GetStreamAsync(id);
        if (stream is null) return new EnrollmentDecisionResult(EnrollmentDecisionStatus.NotFound, null, $"There is no enrollment {id}.", []);
        if (stream.Record.Status != "Pending") return await SettledAsync(id, stream.Record, approving: false);

        var now = time.GetUtcNow();
        var message = string.IsNullOrWhiteSpace(reason) ? $"Denied by {actor}" : reason.Trim();
        IReadOnlyList<FiredRule> rules = [new FiredRule("approval", DecisionEffect.Deny, $"Denied by {actor}: {message}")];
        var rejected = new EnrollmentRejected(id, actor, nameof(RejectionReason.Denied), message, "approval", Rules(rules), now, stream.Record.ProfileVersion);
        try
        {
            await writer.AppendAsync([new StreamAppend(id, false, [rejected], stream.Version)]);
        }
        catch (StreamVersionConflictException)
        {
            return await SettledAsync(id, (await enrollments.GetStreamAsync(id))!.Record, approving: false);
        }
        logger.LogInformation("Enrollment {EnrollmentId} denied by {Actor}: {Reason}", id, actor, message);
        metrics.Record(EnrollmentMetrics.ProtocolOf(stream.Record.Protocol), stream.Record.Profile, EnrollmentMetrics.Rejected, RejectionReason.Denied);
        _outcome = new RejectedOutcome(id, RejectionReason.Denied, message, rules);
        return new EnrollmentDecisionResult(EnrollmentDecisionStatus.Denied, _outcome, message, rules);
    }

    /// <summary>The answer for an enrollment that is no longer pending: the same decision again (idempotent), or not pending.</summary>
    private async Task<EnrollmentDecisionResult> SettledAsync(string id, EnrollmentRecord record, bool approving)
    {
        _outcome = await OutcomeAsync(id, record) ?? _outcome;
        var byAdministrator = record.ApprovalRequired;
        var approvedByAdministrator = byAdministrator && record.Status is "Approved" or "Issued" or "AwaitingConfirmation" or "ConfirmationRefused";
        var deniedByAdministrator = byAdministrator && record.Status == "Rejected" && record.RejectionReason == nameof(RejectionReason.Denied);
        if (approving && approvedByAdministrator)
        {
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.AlreadyApproved, _outcome, $"Already approved by {record.DecidedBy}.", []);
        }
        if (!approving && deniedByAdministrator)
        {
            return new EnrollmentDecisionResult(EnrollmentDecisionStatus.AlreadyDenied, _outcome, $"Already denied by {record.DecidedBy}.", []);
        }
        var what = record.Status switch
        {
            "Issued" or "Approved" or "AwaitingConfirmation" or "ConfirmationRefused" => "approved",
            "Rejected" => "rejected",
            _ => record.Status.ToLowerInvariant(),
        };
        return new EnrollmentDecisionResult(EnrollmentDecisionStatus.NotPending, _outcome,
            $"Enrollment {id} is not pending: it was {what} by {record.DecidedBy ?? "policy"}.", []);
    }

    /// <summary>
    /// The request as the front-end handed it over, from its <see cref="EnrollmentRequested"/> event: its CSR, or its
    /// template (CMP CRMF); null when the event holds neither (recorded before templates were).
    /// </summary>
    private static EnrollmentRequest? Rebuild(EnrollmentRequested requested)
    {
        if (!Enum.TryParse<EnrollmentProtocol>(requested.Protocol, true, out var protocol)) return null;
        RequestedTemplate? template = null;
        if (requested.Csr is null)
        {
            if (requested.Template is not { } t) return null;
            var names = new List<SubjectAltName>();
            foreach (var n in t.SubjectAltNames)
            {
                if (!Enum.TryParse<SubjectAltNameType>(n.Type, out var type)) return null;
                names.Add(new SubjectAltName(type, n.Value));
            }
            template = new RequestedTemplate(t.SubjectPublicKeyInfo, t.Subject, names, [.. t.Extensions.Select(e => new ExtensionData(e.Oid, e.Critical, e.Value))]);
        }
        return new EnrollmentRequest(protocol, requested.Profile, new Requester(requested.AuthenticationMethod, requested.Principal, requested.RequesterClaims),
            requested.TransactionId, requested.Csr, template, requested.RenewalOf, requested.RequiresConfirmation);
    }
}
