using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Grains.Enrollment;
using Gateway.Policy;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Gateway.Grains;

/// <summary>
/// One enrollment (key = protocol + transaction id). Normalises the request, gathers the store facts the profile
/// needs, asks the profile's policy grain, reserves quota slots, has the CA sign, and commits the events before
/// answering. A retry with the same key returns the same outcome, also after the grain was deactivated (the
/// enrollment stream can only be started once); a pending outcome is read again from the store, since an
/// administrator may have decided it meanwhile (see EnrollmentGrain.Approval.cs).
/// </summary>
[CollectionAgeLimit(Minutes = 2)] // one activation per enrollment: idle ones go soon (a retry after that is answered from the store)
[PreferLocalPlacement] // the node whose front-end took the request runs it: no silo-to-silo hop on the hot path
internal sealed partial class EnrollmentGrain(
    ICertificateAuthority ca,
    IEventWriter writer,
    InventoryQueries queries,
    EnrollmentQueries enrollments,
    PolicyCatalogProvider catalog,
    PolicyFactsCollector factsCollector,
    EnrollmentMetrics metrics,
    TimeProvider time,
    ILogger<EnrollmentGrain> logger) : Grain, IEnrollmentGrain
{
    private const int SerialAttempts = 3;
    private static readonly TimeSpan PendingRetryAfter = TimeSpan.FromSeconds(30);
    private EnrollmentOutcome? _outcome;

    /// <summary>The policy decision with what it needs to issue: who decided, the certificate renewed, the quota slots held.</summary>
    private sealed record Verdict(Decision Decision, string Actor, CertificateRecord? Renewed, QuotaSlots? Slots, string SpkiSha256);

    public async Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request)
    {
        var id = this.GetPrimaryKeyString();
        if (_outcome is PendingOutcome) _outcome = await LoadOutcomeAsync(id) ?? _outcome;
        if (_outcome is not null) return _outcome;
        // No read before the work: a retry after deactivation collides on the enrollment stream and adopts what is stored.

        var now = time.GetUtcNow();
        if (!RequestNormaliser.TryNormalise(request, now, out var input, out var csrDer, out var problem))
        {
            return _outcome = await RecordRejectionAsync(id, Requested(id, request, request.Profile, null, csrDer, now), request,
                problem.Reason, problem.Message, [], "gateway", null, null, now);
        }

        var profile = Profile(request.Profile);
        var profileName = profile?.Name ?? request.Profile;
        var requested = Requested(id, request, profileName, input, csrDer, now);
        var decisionStarted = time.GetTimestamp();
        var verdict = await DecideAsync(id, input, profile, request.Profile, approving: false);
        metrics.RecordDecision(time.GetElapsedTime(decisionStarted));
        var decision = verdict.Decision;
        if (decision.Effect != DecisionEffect.Deny && await CredentialUseCheck.ConsumeAsync(GrainFactory, id, request, input) is { } refusedUse)
        {
            if (verdict.Slots is { } slots) await slots.ReleaseAsync();
            return _outcome = await RecordRejectionAsync(id, requested, request, RejectionReason.Unauthorized, refusedUse.Reason,
                [.. decision.FiredRules, refusedUse], "credential", refusedUse.Rule, decision.ProfileVersion, now);
        }
        switch (decision.Effect)
        {
            case DecisionEffect.Deny:
                return _outcome = await RecordRejectionAsync(id, requested, request, decision.Reason ?? RejectionReason.PolicyDenied, decision.Summary,
                    decision.FiredRules, verdict.Actor, decision.DecidingRule?.Rule, decision.ProfileVersion, now);
            case DecisionEffect.Pending:
                var pending = new PendingOutcome(id, PendingRetryAfter, decision.Summary);
                metrics.Record(request.Protocol, profileName, pending);
                return _outcome = await CommitOrAdoptAsync(id, [new StreamAppend(id, true, [requested,
                    new EnrollmentPending(id, decision.Summary, decision.ProfileVersion, Rules(decision.FiredRules), now)])], pending);
        }

        var approved = new EnrollmentApproved(id, "policy", decision.ProfileVersion, decision.DecidingRule?.Rule, Rules(decision.FiredRules), now);
        var (outcome, _) = await IssueAsync(id, input, profileName, verdict, [requested, approved], null, now);
        return _outcome = outcome;
    }

    public async Task<EnrollmentOutcome?> GetOutcomeAsync()
    {
        if (_outcome is null or PendingOutcome) _outcome = await LoadOutcomeAsync(this.GetPrimaryKeyString()) ?? _outcome;
        return _outcome;
    }

    private CompiledProfile? Profile(string name) => catalog.Current.TryGet(name, out var profile) ? profile : null;

    /// <summary>
    /// Facts from the store (only those the profile needs), the policy decision, and, when the request is about to be
    /// issued under a profile with quotas, the quota slots (the decision is then taken again with the exact counts).
    /// </summary>
    private async Task<Verdict> DecideAsync(string id, PolicyInput input, CompiledProfile? profile, string profileName, bool approving)
    {
        var spkiSha256 = PolicyFactsCollector.SpkiSha256(input.SubjectPublicKeyInfo);
        var gathered = await factsCollector.GatherAsync(profile, input, spkiSha256);
        if (gathered.RenewalRefusal is { } refusal)
        {
            return new Verdict(new Decision(DecisionEffect.Deny, [refusal], null, RejectionReason.BadRenewal, profile?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0"),
                "gateway", gathered.Renewed, null, spkiSha256);
        }

        var policy = GrainFactory.GetGrain<IPolicyGrain>(profileName);
        var decision = gathered.Facts is null ? await policy.EvaluateAsync(input) : await policy.EvaluateWithFactsAsync(input, gathered.Facts);
        QuotaSlots? slots = null;
        var issuing = decision.Effect == DecisionEffect.Allow || (approving && decision.Effect == DecisionEffect.Pending);
        if (issuing && QuotaSlots.Needed(profile))
        {
            slots = await QuotaSlots.ReserveAsync(GrainFactory, profile, input.Requester, id);
            decision = await policy.EvaluateWithFactsAsync(input, slots.AddTo(gathered.Facts));
            if (decision.Effect == DecisionEffect.Deny)
            {
                await slots.ReleaseAsync();
                slots = null;
            }
        }
        return new Verdict(decision, "policy", gathered.Renewed, slots, spkiSha256);
    }

    /// <summary>
    /// Signs and commits: the enrollment events (a new stream, or appended at <paramref name="expectedVersion"/>), the new
    /// certificate's stream and, for a renewal, the link in the renewed certificate's stream. Returns the outcome and
    /// whether this call issued it (false: another activation or administrator decided first, and its outcome is returned).
    /// Quota slots are given back unless a certificate was issued.
    /// </summary>
    private async Task<(EnrollmentOutcome Outcome, bool IssuedNow)> IssueAsync(string id, PolicyInput input, string profileName, Verdict verdict,
        IReadOnlyList<object> enrollmentEvents, long? expectedVersion, DateTimeOffset now)
    {
        var template = verdict.Decision.Template ?? throw new InvalidOperationException($"Policy for profile '{profileName}' allowed without a template.");
        var renewalOf = verdict.Renewed?.Serial;
        var started = time.GetTimestamp();
        EnrollmentOutcome? outcome = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var issued = ca.Issue(template);
                var certificateIssued = new CertificateIssued(issued.Serial, id, profileName, ProtocolName(input.Protocol),
                    input.Requester.ToString(), issued.Subject, input.SubjectAltNames.Select(s => s.ToString()).ToArray(),
                    template.IssuerId, issued.Issuer, issued.NotBefore, issued.NotAfter, issued.Sha256Fingerprint, issued.Der, renewalOf, now,
                    verdict.SpkiSha256);
                List<StreamAppend> unit =
                [
                    new StreamAppend(id, expectedVersion is null, [.. enrollmentEvents, new EnrollmentFulfilled(id, issued.Serial, now)], expectedVersion),
                    new StreamAppend(issued.Serial, true, renewalOf is null
                        ? [certificateIssued]
                        : [certificateIssued, new CertificateRenewed(issued.Serial, renewalOf, id, now)]),
                ];
                if (renewalOf is not null) unit.Add(new StreamAppend(renewalOf, false, [new CertificateSuperseded(renewalOf, issued.Serial, id, now)]));
                try
                {
                    await writer.AppendAsync(unit);
                    logger.LogDebug("Issued {Serial} for enrollment {EnrollmentId} (profile {Profile}, {Requester}{Renewal})",
                        issued.Serial, id, profileName, input.Requester, renewalOf is null ? "" : ", renewing " + renewalOf);
                    outcome = new IssuedOutcome(id, issued.Serial, issued.Der, issued.ChainDer, now);
                    metrics.RecordIssuance(time.GetElapsedTime(started));
                    metrics.Record(input.Protocol, profileName, outcome);
                    return (outcome, true);
                }
                catch (StreamCollisionException ex)
                {
                    // Another activation (a node that died mid-request, or a retry after deactivation) committed this enrollment first.
                    if (expectedVersion is null && await LoadOutcomeAsync(id) is { } stored) return (outcome = stored, false);
                    if (attempt >= SerialAttempts) throw;
                    logger.LogWarning("Serial {Serial} collided; issuing again", ex.StreamId);
                }
                catch (StreamVersionConflictException)
                {
                    // An administrator (or another activation) decided this enrollment since it was read.
                    outcome = await LoadOutcomeAsync(id) ?? throw new InvalidOperationException($"Enrollment {id} changed but has no recorded outcome.");
                    return (outcome, false);
                }
            }
        }
        finally
        {
            if (outcome is not IssuedOutcome && verdict.Slots is { } slots) await slots.ReleaseAsync();
        }
    }

    private async Task<EnrollmentOutcome?> LoadOutcomeAsync(string id)
    {
        var record = await queries.GetEnrollmentAsync(id);
        if (record is null) return null;
        switch (record.Status)
        {
            case "Issued":
                var certificate = await queries.GetCertificateAsync(record.Serial!);
                if (certificate is null) return null;
                return new IssuedOutcome(id, certificate.Serial, certificate.Der, ca.GetIssuer(certificate.IssuerId).ChainDer, certificate.IssuedAt);
            case "Rejected":
                var reason = Enum.TryParse<RejectionReason>(record.RejectionReason, out var r) ? r : RejectionReason.PolicyDenied;
                return new RejectedOutcome(id, reason, record.Message ?? "", record.Rules.Select(ToFiredRule).ToList());
            case "Pending":
                return new PendingOutcome(id, PendingRetryAfter, record.Message ?? "awaiting approval");
            default:
                return null;
        }
    }

    private async Task<EnrollmentOutcome> RecordRejectionAsync(string id, EnrollmentRequested requested, EnrollmentRequest request, RejectionReason reason,
        string message, IReadOnlyList<FiredRule> rules, string actor, string? decidingRule, string? profileVersion, DateTimeOffset now)
    {
        var rejected = new EnrollmentRejected(id, actor, reason.ToString(), message, decidingRule, Rules(rules), now, profileVersion);
        metrics.Record(request.Protocol, requested.Profile, EnrollmentMetrics.Rejected, reason);
        logger.LogInformation("Rejecting enrollment {EnrollmentId} (profile {Profile}, {Requester}): {Reason} {Message}",
            id, request.Profile, request.Requester, reason, message);
        return await CommitOrAdoptAsync(id, [new StreamAppend(id, true, [requested, rejected])], new RejectedOutcome(id, reason, message, rules));
    }

    /// <summary>Commits <paramref name="unit"/> and returns <paramref name="outcome"/>; if an earlier activation already recorded this enrollment, returns what it recorded.</summary>
    private async Task<EnrollmentOutcome> CommitOrAdoptAsync(string id, IReadOnlyList<StreamAppend> unit, EnrollmentOutcome outcome)
    {
        try
        {
            await writer.AppendAsync(unit);
            return outcome;
        }
        catch (StreamCollisionException)
        {
            return await LoadOutcomeAsync(id) ?? throw new InvalidOperationException($"Enrollment {id} exists but has no recorded outcome.");
        }
    }

    private static EnrollmentRequested Requested(string id, EnrollmentRequest request, string profileName, PolicyInput? input, byte[]? csrDer, DateTimeOffset now) =>
        new(id, ProtocolName(request.Protocol), profileName, request.Requester.AuthenticationMethod, request.Requester.Principal,
            request.TransactionId, input?.SubjectText ?? "", input?.SubjectAltNames.Select(s => s.ToString()).ToArray() ?? [],
            input?.Key.ToString() ?? "", request.RenewalOf, csrDer, now);

    internal static string ProtocolName(EnrollmentProtocol protocol) => protocol.ToString().ToLowerInvariant();

    private static FiredRuleData[] Rules(IReadOnlyList<FiredRule> rules) =>
        rules.Select(r => new FiredRuleData(r.Rule, r.Effect.ToString().ToLowerInvariant(), r.Reason)).ToArray();

    private static FiredRule ToFiredRule(FiredRuleData r) =>
        new(r.Rule, Enum.TryParse<DecisionEffect>(r.Effect, true, out var e) ? e : DecisionEffect.Deny, r.Reason);
}
