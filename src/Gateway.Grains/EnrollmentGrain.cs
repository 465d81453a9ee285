using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Grains.Enrollment;
using Gateway.Grains.Profiles;
using Gateway.Policy;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Gateway.Grains;

/// <summary>
/// One enrollment (key = protocol + transaction id). Looks the transaction up first (the same request gets the stored
/// outcome, another request under the same id <see cref="RejectionReason.TransactionIdInUse"/>), then normalises the
/// request, gathers the store facts the profile needs, evaluates the profile's compiled rules in-process, reserves quota slots, has the
/// CA sign, and commits the events before answering. A pending outcome is read again from the store, since an
/// administrator may have decided it meanwhile (see EnrollmentGrain.Approval.cs); a refusal that says "try again"
/// (rate limited, unavailable) is decided afresh when the same request comes back, appending to the same stream.
/// </summary>
[CollectionAgeLimit(Minutes = 2)] // one activation per enrollment: idle ones go soon (a retry after that is answered from the store)
[PreferLocalPlacement] // the node whose front-end took the request runs it: no silo-to-silo hop on the hot path
internal sealed partial class EnrollmentGrain(
    ICertificateAuthority ca,
    IEventWriter writer,
    InventoryQueries queries,
    EnrollmentQueries enrollments,
    ProfileCatalogProvider catalog,
    PolicyFactsCollector factsCollector,
    Microsoft.Extensions.Options.IOptions<EnrollmentOptions> options,
    EnrollmentMetrics metrics,
    TimeProvider time,
    ILogger<EnrollmentGrain> logger) : Grain, IEnrollmentGrain
{
    private const int SerialAttempts = 3;
    private static readonly TimeSpan PendingRetryAfter = TimeSpan.FromSeconds(30);
    // What the store holds for this transaction, once read: its outcome, the fingerprint of the request that started
    // it, and the stream's version (where a new decision is appended after a refusal that said "try again").
    private EnrollmentOutcome? _outcome;
    private string? _fingerprint;
    private long? _version;
    // The id of the enrollment this grain's key names, once known (read from the store or recorded here): the key itself,
    // but for a request-keyed request (EnrollmentRequest.RequestKeyed), whose enrollment has a time-ordered id of its own.
    private string? _id;
    // Set when a commit carried the request's audit entry (EnrollmentRequest.Audit): the answer then says so.
    private bool _auditCommitted;

    /// <summary>
    /// The policy decision with what it needs to issue: who decided, the certificate renewed, the quota slots held, and
    /// the credential use to spend in the issuance commit.
    /// </summary>
    private sealed record Verdict(Decision Decision, string Actor, CertificateRecord? Renewed, QuotaSlots? Slots, string SpkiSha256)
    {
        public CredentialSpend? Spend { get; init; }
    }

    /// <summary>
    /// Another writer took what this issuance reserved between the reservation and the commit (a limited credential's
    /// use, a quota slot): nothing was committed, and the enrollment is decided again on what the store holds now.
    /// </summary>
    private sealed class RaceLostException(string what, string? credentialId) : Exception($"{what} changed before the issuance committed.")
    {
        public string What => what;

        public string? CredentialId => credentialId;
    }

    /// <summary>Decisions tried when enrollments race for a limited credential's last uses or a quota's last slots.</summary>
    private const int CredentialAttempts = 5;

    /// <summary>
    /// Looks the transaction up before doing any work: the same request (fingerprint) gets the stored outcome, with
    /// nothing evaluated or signed again; another request under the same id gets <see cref="RejectionReason.TransactionIdInUse"/>
    /// and changes nothing. A new transaction, or the same request after a refusal that said "try again", is decided now.
    /// </summary>
    public async Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request)
    {
        var key = this.GetPrimaryKeyString();
        var fingerprint = RequestFingerprint.Of(request);
        for (var lookup = 1; ; lookup++)
        {
            // A final outcome, once known, is answered from memory; anything else may have moved (an administrator decided
            // a pending enrollment, another activation decided a retry), so it is read again.
            // (Not for a transaction id the front-end has just made up: nothing can be stored under it yet.)
            if (!(request.NewTransaction && _fingerprint is null && _outcome is null) && (_fingerprint is null || !IsFinal(_outcome)))
            {
                await ReadStoredAsync(key, fingerprint);
            }
            if (_fingerprint is not null && !string.Equals(_fingerprint, fingerprint, StringComparison.Ordinal)) return InUse(_id ?? key, request);
            if (_outcome is not null && !IsRetryable(_outcome)) return await ReplayAsync(_id ?? key, request, _outcome);

            // Nothing stored yet for a request-keyed request: its enrollment gets a time-ordered id of its own.
            var id = _id ?? (request.RequestKeyed ? EnrollmentKeys.For(request.Protocol, TimeOrderedIds.NewHex(time.GetUtcNow())) : key);
            try
            {
                return await DecideUntilSettledAsync(id, request, fingerprint);
            }
            catch (RequestKeyTakenException) when (lookup < RequestKeyLookups)
            {
                // Another activation (a node that took the same request at once) recorded an enrollment for this key first:
                // nothing here was committed; what it recorded answers this request.
                logger.LogInformation("Enrollment key {Key} was recorded by another activation first; reading what it recorded", key);
                (_id, _fingerprint, _outcome, _version) = (null, null, null, null);
            }
        }
    }

    /// <summary>Look-ups of a request key that another activation took at the same moment, before the request is refused.</summary>
    private const int RequestKeyLookups = 3;

    /// <summary>
    /// Decides and records the request under <paramref name="id"/>, again (a few times) while a limited credential's last
    /// uses or a quota's last slots are taken by racing enrollments.
    /// </summary>
    private async Task<EnrollmentOutcome> DecideUntilSettledAsync(string id, EnrollmentRequest request, string fingerprint)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _auditCommitted = false;
                _outcome = await DecideAndRecordAsync(id, request, fingerprint, _version);
                // Something is stored under this id now (recorded here, or adopted from another activation's record).
                if (_fingerprint is not null) _id ??= id;
                // A transaction id the front-end made up reaches no other request, and a request-keyed one (EST) is rarely
                // repeated once final (a device that lost the answer): a final outcome needs no activation kept for
                // retransmissions (a repeat, or an administrator's look-up, is answered from the store).
                if ((request.NewTransaction || request.RequestKeyed) && IsFinal(_outcome)) DeactivateOnIdle();
                return _auditCommitted ? _outcome with { Audited = true } : _outcome;
            }
            catch (RaceLostException ex)
            {
                // Nothing was committed: decide again with the credential and the quotas as they are now.
                if (ex.CredentialId is { } credentialId) await GrainFactory.Reference<ICredentialGrain>(credentialId).RefreshAsync();
                if (attempt < CredentialAttempts) continue;
                logger.LogWarning("Enrollment {EnrollmentId}: {What} kept changing under it; refused as unavailable", id, ex.What);
                return new RejectedOutcome(id, RejectionReason.Unavailable, $"{ex.What} is being used by other enrollments right now; retry shortly.", []);
            }
        }
    }

    /// <summary>
    /// The stored outcome for a retransmission of the same request; but a certificate is not handed out again to a
    /// requester whose credential has been revoked or has expired since (the enrollment itself stays as recorded).
    /// </summary>
    private async Task<EnrollmentOutcome> ReplayAsync(string id, EnrollmentRequest request, EnrollmentOutcome stored)
    {
        if (stored is not (IssuedOutcome or AwaitingConfirmationOutcome)) return stored;
        if (await CredentialUseCheck.ReplayRefusalAsync(GrainFactory, request.Requester) is not { } refusal) return stored;
        logger.LogInformation("Not replaying enrollment {EnrollmentId} to {Requester}: {Reason}", id, request.Requester, refusal);
        return new RejectedOutcome(id, RejectionReason.Unauthorized, refusal, [new FiredRule("credential.replay", DecisionEffect.Deny, refusal)]);
    }

    public async Task<EnrollmentOutcome?> GetOutcomeAsync()
    {
        if (!IsFinal(_outcome)) await ReadStoredAsync(this.GetPrimaryKeyString(), null);
        return _outcome;
    }

    /// <summary>Decides a new enrollment (<paramref name="expectedVersion"/> null: a new stream) or the same request again after a refusal that said "try again".</summary>
    private async Task<EnrollmentOutcome> DecideAndRecordAsync(string id, EnrollmentRequest request, string fingerprint, long? expectedVersion)
    {
        var now = time.GetUtcNow();
        // The request is recorded once, with the first decision; a later decision of the same request only appends. The
        // admin API's audit entry of this action rides on the decision it records, in the same commit (no row of its own).
        IReadOnlyList<object> Lead(EnrollmentRequested requested, params object[] decision)
        {
            if (AuditOf(request, decision) is { } audit) decision = [.. decision[..^1], AdminAuditData.Attach(decision[^1], audit)];
            return expectedVersion is null ? [requested, .. decision] : decision;
        }

        if (!RequestNormaliser.TryNormalise(request, now, out var input, out var csrDer, out var problem))
        {
            return await RecordRejectionAsync(id, fingerprint, expectedVersion, Requested(id, request, request.Profile, null, csrDer, fingerprint, now), Lead, request,
                problem.Reason, problem.Message, [], "gateway", null, null, now);
        }

        input = await CredentialUseCheck.WithCredentialClaimsAsync(GrainFactory, input); // issue 13 item 5: {credential.subject}
        var profile = Profile(request.Profile);
        var profileName = profile?.Name ?? request.Profile;
        var requested = Requested(id, request, profileName, input, csrDer, fingerprint, now);
        var decisionStarted = time.GetTimestamp();
        var verdict = await DecideAsync(id, input, profile, request.Profile, approving: false);
        metrics.RecordDecision(time.GetElapsedTime(decisionStarted));
        var decision = verdict.Decision;
        if (decision.Effect != DecisionEffect.Deny)
        {
            // Checked now, spent only in the issuance commit (a pending enrollment spends it when it is approved).
            var (refusedUse, spend) = await CredentialUseCheck.ReserveAsync(GrainFactory, id, request, input);
            if (refusedUse is not null)
            {
                if (verdict.Slots is { } slots) await slots.ReleaseAsync();
                return await RecordRejectionAsync(id, fingerprint, expectedVersion, requested, Lead, request, RejectionReason.Unauthorized, refusedUse.Reason,
                    [.. decision.FiredRules, refusedUse], "credential", refusedUse.Rule, decision.ProfileVersion, now);
            }
            verdict = verdict with { Spend = spend };
        }
        switch (decision.Effect)
        {
            case DecisionEffect.Deny:
                return await RecordRejectionAsync(id, fingerprint, expectedVersion, requested, Lead, request, decision.Reason ?? RejectionReason.PolicyDenied, decision.Summary,
                    decision.FiredRules, verdict.Actor, decision.DecidingRule?.Rule, decision.ProfileVersion, now);
            case DecisionEffect.Pending:
                var pending = new PendingOutcome(id, PendingRetryAfter, decision.Summary);
                metrics.Record(request.Protocol, profileName, pending);
                return await CommitOrAdoptAsync(id, fingerprint, expectedVersion,
                    Lead(requested, new EnrollmentPending(id, decision.Summary, decision.ProfileVersion, Rules(decision.FiredRules), now)), pending);
        }

        var approved = new EnrollmentApproved(id, "policy", decision.ProfileVersion, decision.DecidingRule?.Rule, Rules(decision.FiredRules), now);
        var confirmBy = request.RequiresConfirmation ? now + options.Value.ConfirmationWindow : (DateTimeOffset?)null;
        try
        {
            var (outcome, _) = await IssueAsync(id, input, profileName, verdict, Lead(requested, approved), expectedVersion, fingerprint, confirmBy, now);
            return outcome;
        }
        catch (IssuingCaExpiredException ex)
        {
            // Nothing was signed or spent; a "try again" refusal is recorded, and the same request is decided afresh later.
            logger.LogError("Enrollment {EnrollmentId} cannot be issued: {Error}", id, ex.Message);
            return await RecordRejectionAsync(id, fingerprint, expectedVersion, requested, Lead, request, RejectionReason.Unavailable,
                "The issuing CA has expired; the certificate cannot be issued now. Retry later.",
                [.. decision.FiredRules, new FiredRule("ca", DecisionEffect.Deny, ex.Message)], "gateway", "ca", decision.ProfileVersion, now);
        }
    }

    /// <summary>
    /// The audit log entry (<see cref="EnrollmentRequest.Audit"/>) of a decision: the status the admin API answers it with
    /// (201 issued, 202 pending, a refusal's status and problem slug); null without one. The decision carries it, so the
    /// enrollment is its target and the decision's time its time.
    /// </summary>
    private static AdminAuditData? AuditOf(EnrollmentRequest request, object[] decision)
    {
        if (request.Audit is not { } audit) return null;
        var (status, detail) = decision.LastOrDefault() switch
        {
            EnrollmentRejected rejected when Enum.TryParse<RejectionReason>(rejected.Reason, out var reason) =>
                (RejectionReasons.HttpStatus(reason), RejectionReasons.Slug(reason)),
            EnrollmentRejected => (403, "policy-denied"),
            EnrollmentPending => (202, (string?)null),
            _ => (201, null),
        };
        return new AdminAuditData(audit.Actor, audit.Action, audit.ClientAddress, status, detail);
    }

    /// <summary>A final outcome: issued, or refused for good. Pending, awaiting confirmation and "try again" refusals are not.</summary>
    private static bool IsFinal(EnrollmentOutcome? outcome) =>
        outcome is IssuedOutcome || (outcome is RejectedOutcome rejected && !RejectionReasons.IsRetryable(rejected.Reason));

    /// <summary>A refusal that says "try again": the same request is decided afresh.</summary>
    private static bool IsRetryable(EnrollmentOutcome outcome) => outcome is RejectedOutcome rejected && RejectionReasons.IsRetryable(rejected.Reason);

    /// <summary>The refusal of a request that reuses another request's transaction id; nothing is recorded.</summary>
    private RejectedOutcome InUse(string id, EnrollmentRequest request)
    {
        logger.LogInformation("Refusing a request by {Requester} for enrollment {EnrollmentId}: its transaction id is already used by another request",
            request.Requester, id);
        return new RejectedOutcome(id, RejectionReason.TransactionIdInUse,
            $"Transaction id '{request.TransactionId}' is already used by another request; use a new transaction id for a new request.", []);
    }

    /// <summary>
    /// Reads this transaction from its stream: its outcome, the fingerprint of the request that started it (computed from
    /// the stored CSR for events recorded before fingerprints were; <paramref name="fingerprint"/>, the caller's, when
    /// there is nothing to compute it from) and the stream's version. Nothing changes when the stream does not exist.
    /// </summary>
    private async Task ReadStoredAsync(string key, string? fingerprint)
    {
        // Nearly always nothing is stored yet: a cheap look-up of the key first (the enrollment whose id or request key it
        // is), the stream's events only when there is one.
        if (_fingerprint is null)
        {
            if (await enrollments.ResolveAsync(key) is not { } found) return;
            _id = found;
        }
        var id = _id ?? key;
        var stream = await enrollments.GetStreamAsync(id);
        if (stream is null) return;
        _fingerprint = StoredFingerprint(stream.Requested) ?? fingerprint;
        _version = stream.Version;
        _outcome = await OutcomeAsync(id, stream.Record) ?? _outcome;
    }

    private static string? StoredFingerprint(EnrollmentRequested requested) =>
        requested.Fingerprint ?? (requested.Csr is { } csr
            ? RequestFingerprint.OfCsr(new Requester(requested.AuthenticationMethod, requested.Principal), csr)
            : null);

    /// <summary>
    /// After losing a race to record this enrollment (another activation, an administrator): what was recorded, when it
    /// was for the same request (<paramref name="fingerprint"/>; null: no check), else <see cref="RejectionReason.TransactionIdInUse"/>.
    /// </summary>
    private async Task<EnrollmentOutcome> AdoptAsync(string id, string? fingerprint)
    {
        var stream = await enrollments.GetStreamAsync(id) ?? throw new InvalidOperationException($"Enrollment {id} changed but does not exist.");
        var stored = StoredFingerprint(stream.Requested) ?? fingerprint;
        if (fingerprint is not null && !string.Equals(stored, fingerprint, StringComparison.Ordinal))
        {
            return new RejectedOutcome(id, RejectionReason.TransactionIdInUse, $"Enrollment {id} was started by another request; use a new transaction id.", []);
        }
        _fingerprint = stored;
        _version = stream.Version;
        return await OutcomeAsync(id, stream.Record) ?? throw new InvalidOperationException($"Enrollment {id} exists but has no recorded outcome.");
    }

    private CompiledProfile? Profile(string name) => catalog.Current.TryGet(name, out var profile) ? profile : null;

    /// <summary>
    /// The profile's decision, here in the grain: the compiled profile is this silo's shared, immutable snapshot, so
    /// evaluating it is a pure in-memory call. Without the profile: unknown, or <see cref="RejectionReason.Unavailable"/>
    /// (a "try again") while the catalog has not been loaded from the store yet.
    /// </summary>
    private Decision Evaluate(CompiledProfile? profile, string profileName, PolicyInput input, PolicyFacts? facts)
    {
        if (profile is not null) return profile.Evaluate(input, facts);
        if (!catalog.IsLoaded) return NotLoaded;
        return new Decision(DecisionEffect.Deny, [new FiredRule("profile", DecisionEffect.Deny, $"Unknown profile '{profileName}'.")], null,
            RejectionReason.UnknownProfile, "0");
    }

    private static readonly Decision NotLoaded = new(DecisionEffect.Deny,
        [new FiredRule("profile", DecisionEffect.Deny, "Policy profiles are not loaded yet (the store has not answered).")], null, RejectionReason.Unavailable, "0");

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

        var decision = Evaluate(profile, profileName, input, gathered.Facts);
        QuotaSlots? slots = null;
        var issuing = decision.Effect == DecisionEffect.Allow || (approving && decision.Effect == DecisionEffect.Pending);
        if (issuing && QuotaSlots.Needed(profile))
        {
            slots = await QuotaSlots.ReserveAsync(GrainFactory, profile, input.Requester, id, input.SubjectAltNames);
            decision = Evaluate(profile, profileName, input, slots.AddTo(gathered.Facts));
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
        IReadOnlyList<object> enrollmentEvents, long? expectedVersion, string? fingerprint, DateTimeOffset? confirmBy, DateTimeOffset now)
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
                    issued.IssuerId is { Length: > 0 } generation ? generation : template.IssuerId, issued.Issuer, issued.NotBefore, issued.NotAfter, issued.Sha256Fingerprint, issued.Der, renewalOf, now,
                    verdict.SpkiSha256, issued.CutFromNotAfter);
                if (issued.CutFromNotAfter is { } granted)
                {
                    logger.LogWarning("Certificate {Serial} of enrollment {EnrollmentId} ends at {NotAfter:u} with its issuing CA, not at {Granted:u} as the profile granted",
                        issued.Serial, id, issued.NotAfter, granted);
                }
                List<StreamAppend> unit =
                [
                    new StreamAppend(id, expectedVersion is null, [.. enrollmentEvents, new EnrollmentFulfilled(id, issued.Serial, now, confirmBy)], expectedVersion),
                    new StreamAppend(issued.Serial, true, renewalOf is null
                        ? [certificateIssued]
                        : [certificateIssued, new CertificateRenewed(issued.Serial, renewalOf, id, now)]),
                ];
                if (renewalOf is not null) unit.Add(new StreamAppend(renewalOf, false, [new CertificateSuperseded(renewalOf, issued.Serial, id, now)]));
                // The credential's use is spent in the same commit as the certificate: a failed issuance spends nothing.
                if (verdict.Spend?.Append(now) is { } spent) unit.Add(spent);
                // So are the quota slots: a slot another writer took since it was reserved fails this commit.
                if (verdict.Slots is { } held) unit.AddRange(held.Appends(now));
                try
                {
                    await writer.AppendAsync(unit);
                    _auditCommitted = enrollmentEvents.Any(e => AdminAuditData.Of(e) is not null);
                    if (verdict.Spend is { } spend) await TellCredentialAsync(spend, now);
                    if (verdict.Slots is { } taken) await TellQuotasAsync(taken, id, now);
                    logger.LogDebug("Issued {Serial} for enrollment {EnrollmentId} (profile {Profile}, {Requester}{Renewal})",
                        issued.Serial, id, profileName, input.Requester, renewalOf is null ? "" : ", renewing " + renewalOf);
                    _fingerprint ??= fingerprint;
                    if (confirmBy is { } due)
                    {
                        outcome = new AwaitingConfirmationOutcome(id, issued.Serial, issued.Der, issued.ChainDer, now, due);
                        ScheduleConfirmationExpiry(due);
                    }
                    else
                    {
                        outcome = new IssuedOutcome(id, issued.Serial, issued.Der, issued.ChainDer, now);
                    }
                    metrics.RecordIssuance(time.GetElapsedTime(started));
                    metrics.Record(input.Protocol, profileName, outcome);
                    return (outcome, true);
                }
                catch (Exception ex) when (ex is StreamCollisionException or StreamVersionConflictException && verdict.Slots is { } slots
                    && slots.Holds(ex is StreamCollisionException collision ? collision.StreamId : ((StreamVersionConflictException)ex).StreamId))
                {
                    // Another activation or node took a quota slot reserved here: nothing committed; read the quota again.
                    await slots.ForgetAsync();
                    throw new RaceLostException("A quota of profile " + profileName, null);
                }
                catch (StreamCollisionException ex)
                {
                    // Another activation (a node that died mid-request, or a retry after deactivation) committed this enrollment first.
                    if (expectedVersion is null && await enrollments.GetStreamAsync(id) is not null) return (outcome = await AdoptAsync(id, fingerprint), false);
                    if (attempt >= SerialAttempts) throw;
                    logger.LogWarning("Serial {Serial} collided; issuing again", ex.StreamId);
                }
                catch (StreamVersionConflictException ex) when (verdict.Spend is { } spend && ex.StreamId == spend.StreamId)
                {
                    // Another enrollment spent a use of this limited credential first: nothing here committed.
                    throw new RaceLostException("Credential " + spend.CredentialId, spend.CredentialId);
                }
                catch (StreamVersionConflictException)
                {
                    // An administrator (or another activation) decided this enrollment since it was read.
                    outcome = await AdoptAsync(id, fingerprint);
                    return (outcome, false);
                }
                catch (Exception ex) when (StoreFailure.IsTransient(ex))
                {
                    // The database failed under the commit (connection lost, backend terminated, shut down): whether the commit
                    // landed is unknown, so read the stream before answering. Committed: hand out what is stored. Not (or the
                    // store cannot be read): refuse as Unavailable; the serial is never reused and the client's retry of the
                    // same transaction gets whatever was committed for it.
                    logger.LogWarning(ex, "Commit of enrollment {EnrollmentId} (certificate {Serial}) failed in the store; reading back its outcome.", id, issued.Serial);
                    try
                    {
                        if (await enrollments.GetStreamAsync(id) is { } stored && stored.Record.Serial is { } storedSerial)
                        {
                            outcome = await AdoptAsync(id, fingerprint);
                            return (outcome, storedSerial == issued.Serial);
                        }
                    }
                    catch (Exception readFailure) when (StoreFailure.IsTransient(readFailure))
                    {
                        logger.LogWarning("The outcome of enrollment {EnrollmentId} cannot be read back now: {Error}", id, readFailure.Message);
                        // The commit may have landed: its quota slots are not handed back, the quotas read the store again.
                        if (verdict.Slots is { } unknown) await unknown.ForgetAsync();
                    }
                    outcome = new RejectedOutcome(id, RejectionReason.Unavailable, "The certificate store failed during the commit; retry shortly.", []);
                    return (outcome, false);
                }
                catch (CommitQueueFullException ex)
                {
                    // The store is behind: refuse at once rather than wait and time out while the certificate commits later.
                    // Nothing was committed and the signed certificate is dropped unanswered; the client's retry is decided afresh.
                    logger.LogWarning("Enrollment {EnrollmentId} refused: {Waiting} commits are already waiting for the store.", id, ex.Limit);
                    outcome = new RejectedOutcome(id, RejectionReason.Unavailable, "The certificate store is busy; retry shortly.", []);
                    return (outcome, false);
                }
            }
        }
        finally
        {
            if (outcome is not (IssuedOutcome or AwaitingConfirmationOutcome) && verdict.Slots is { } slots) await slots.ReleaseAsync();
        }
    }

    /// <summary>The use is committed: the credential's activation counts it (a failure here only leaves its count to the next read).</summary>
    private async Task TellCredentialAsync(CredentialSpend spend, DateTimeOffset at)
    {
        try
        {
            await GrainFactory.Reference<ICredentialGrain>(spend.CredentialId).UseCommittedAsync(spend.Use, spend.Reservation, at);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Credential {CredentialId} was not told of its committed use by {EnrollmentId}", spend.CredentialId, spend.Use.Reference);
        }
    }

    /// <summary>The slots are committed: the quotas count them (a failure here leaves them counted as in flight: never under-counted).</summary>
    private async Task TellQuotasAsync(QuotaSlots slots, string id, DateTimeOffset at)
    {
        try
        {
            await slots.CommittedAsync(at);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The quotas were not told of the slots enrollment {EnrollmentId} committed", id);
        }
    }

    /// <summary>The outcome an enrollment record stands at; null when it has none (yet).</summary>
    private async Task<EnrollmentOutcome?> OutcomeAsync(string id, EnrollmentRecord record)
    {
        switch (record.Status)
        {
            case "Issued":
                var certificate = await queries.GetCertificateAsync(record.Serial!);
                if (certificate is null) return null;
                return new IssuedOutcome(id, certificate.Serial, certificate.Der, ca.GetIssuer(certificate.IssuerId).ChainDer, certificate.IssuedAt);
            case "AwaitingConfirmation":
                var unconfirmed = await queries.GetCertificateAsync(record.Serial!);
                if (unconfirmed is null || record.ConfirmBy is not { } confirmBy) return null;
                return new AwaitingConfirmationOutcome(id, unconfirmed.Serial, unconfirmed.Der, ca.GetIssuer(unconfirmed.IssuerId).ChainDer,
                    unconfirmed.IssuedAt, confirmBy);
            case "ConfirmationRefused":
                return new RejectedOutcome(id, RejectionReason.Denied, record.Message ?? "The certificate was not accepted; it is revoked.", []);
            case "Rejected":
                var reason = Enum.TryParse<RejectionReason>(record.RejectionReason, out var r) ? r : RejectionReason.PolicyDenied;
                return new RejectedOutcome(id, reason, record.Message ?? "", record.Rules.Select(ToFiredRule).ToList());
            case "Pending":
                return new PendingOutcome(id, PendingRetryAfter, record.Message ?? "awaiting approval");
            default:
                return null;
        }
    }

    private async Task<EnrollmentOutcome> RecordRejectionAsync(string id, string fingerprint, long? expectedVersion, EnrollmentRequested requested,
        Func<EnrollmentRequested, object[], IReadOnlyList<object>> lead, EnrollmentRequest request, RejectionReason reason,
        string message, IReadOnlyList<FiredRule> rules, string actor, string? decidingRule, string? profileVersion, DateTimeOffset now)
    {
        var rejected = new EnrollmentRejected(id, actor, reason.ToString(), message, decidingRule, Rules(rules), now, profileVersion);
        metrics.Record(request.Protocol, requested.Profile, EnrollmentMetrics.Rejected, reason);
        logger.LogInformation("Rejecting enrollment {EnrollmentId} (profile {Profile}, {Requester}): {Reason} {Message}",
            id, request.Profile, request.Requester, reason, message);
        return await CommitOrAdoptAsync(id, fingerprint, expectedVersion, lead(requested, [rejected]), new RejectedOutcome(id, reason, message, rules));
    }

    /// <summary>
    /// Commits <paramref name="events"/> (a new stream, or appended at <paramref name="expectedVersion"/>) and returns
    /// <paramref name="outcome"/>; if another activation recorded a decision first, returns what it recorded.
    /// </summary>
    private async Task<EnrollmentOutcome> CommitOrAdoptAsync(string id, string fingerprint, long? expectedVersion, IReadOnlyList<object> events,
        EnrollmentOutcome outcome)
    {
        try
        {
            await writer.AppendAsync([new StreamAppend(id, expectedVersion is null, events, expectedVersion)]);
            _auditCommitted = events.Any(e => AdminAuditData.Of(e) is not null);
            _fingerprint = fingerprint;
            _version = (expectedVersion ?? 0) + events.Count;
            return outcome;
        }
        catch (Exception ex) when (ex is StreamCollisionException or StreamVersionConflictException)
        {
            return await AdoptAsync(id, fingerprint);
        }
    }

    private static EnrollmentRequested Requested(string id, EnrollmentRequest request, string profileName, PolicyInput? input, byte[]? csrDer,
        string fingerprint, DateTimeOffset now) =>
        new(id, ProtocolName(request.Protocol), profileName, request.Requester.AuthenticationMethod, request.Requester.Principal,
            request.TransactionId, input?.SubjectText ?? "", input?.SubjectAltNames.Select(s => s.ToString()).ToArray() ?? [],
            input?.Key.ToString() ?? "", request.RenewalOf, csrDer, now, fingerprint, request.RequiresConfirmation,
            request.Requester.Claims is { Count: > 0 } claims ? new Dictionary<string, string>(claims, StringComparer.Ordinal) : null,
            request.Template is { } t ? new RequestedTemplateData(t.SubjectPublicKeyInfo, t.Subject,
                [.. t.SubjectAltNames.Select(n => new RequestedNameData(n.Type.ToString(), n.Value))],
                [.. t.Extensions.Select(e => new RequestedExtensionData(e.Oid, e.Critical, e.Value))]) : null,
            // The key a repeat of the request finds this enrollment by, when the enrollment has an id of its own.
            request.RequestKeyed && !string.Equals(id, request.EnrollmentKey, StringComparison.Ordinal) ? request.EnrollmentKey : null);

    internal static string ProtocolName(EnrollmentProtocol protocol) => protocol.ToString().ToLowerInvariant();

    private static FiredRuleData[] Rules(IReadOnlyList<FiredRule> rules) =>
        rules.Select(r => new FiredRuleData(r.Rule, r.Effect.ToString().ToLowerInvariant(), r.Reason)).ToArray();

    private static FiredRule ToFiredRule(FiredRuleData r) =>
        new(r.Rule, Enum.TryParse<DecisionEffect>(r.Effect, true, out var e) ? e : DecisionEffect.Deny, r.Reason);
}
