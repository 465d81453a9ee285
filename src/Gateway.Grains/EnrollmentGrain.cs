using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// One enrollment (key = protocol + transaction id). Normalises the request, asks the profile's policy grain, has
/// the CA sign, and commits the events before answering. A retry with the same key returns the same outcome, also
/// after the grain was deactivated (the enrollment stream can only be started once).
/// </summary>
[CollectionAgeLimit(Minutes = 2)] // one activation per enrollment: idle ones go soon (a retry after that is answered from the store)
internal sealed class EnrollmentGrain(
    ICertificateAuthority ca,
    IEventWriter writer,
    InventoryQueries queries,
    TimeProvider time,
    ILogger<EnrollmentGrain> logger) : Grain, IEnrollmentGrain
{
    private const int SerialAttempts = 3;
    private EnrollmentOutcome? _outcome;

    public async Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request)
    {
        if (_outcome is not null) return _outcome;
        // No read before the work: a retry after deactivation collides on the enrollment stream and adopts what is stored.
        var id = this.GetPrimaryKeyString();

        var now = time.GetUtcNow();
        if (!RequestNormaliser.TryNormalise(request, now, out var input, out var csrDer, out var problem))
        {
            return _outcome = await RecordRejectionAsync(id, request, null, csrDer, now, problem.Reason, problem.Message, [], "gateway");
        }

        var decision = await GrainFactory.GetGrain<IPolicyGrain>(request.Profile).EvaluateAsync(input);
        var requested = Requested(id, request, input, csrDer, now);
        if (decision.Effect != DecisionEffect.Deny && await CredentialUseCheck.ConsumeAsync(GrainFactory, id, request, input) is { } refusedUse)
        {
            return _outcome = await RecordRejectionAsync(id, request, input, csrDer, now, RejectionReason.Unauthorized, refusedUse.Reason,
                [.. decision.FiredRules, refusedUse], "credential", refusedUse.Rule);
        }
        switch (decision.Effect)
        {
            case DecisionEffect.Deny:
                return _outcome = await RecordRejectionAsync(id, request, input, csrDer, now,
                    decision.Reason ?? RejectionReason.PolicyDenied, decision.Summary, decision.FiredRules, "policy", decision.DecidingRule?.Rule);
            case DecisionEffect.Pending:
                var pending = new PendingOutcome(id, PendingRetryAfter, decision.Summary);
                return _outcome = await CommitOrAdoptAsync(id, [new StreamAppend(id, true, [requested,
                    new EnrollmentPending(id, decision.Summary, decision.ProfileVersion, Rules(decision.FiredRules), now)])], pending);
        }

        var template = decision.Template ?? throw new InvalidOperationException($"Policy for profile '{request.Profile}' allowed without a template.");
        var approved = new EnrollmentApproved(id, "policy", decision.ProfileVersion, decision.DecidingRule?.Rule, Rules(decision.FiredRules), now);
        for (var attempt = 1; ; attempt++)
        {
            var issued = ca.Issue(template);
            var certificateIssued = new CertificateIssued(issued.Serial, id, request.Profile, ProtocolName(request.Protocol),
                request.Requester.ToString(), issued.Subject, input.SubjectAltNames.Select(s => s.ToString()).ToArray(),
                template.IssuerId, issued.Issuer, issued.NotBefore, issued.NotAfter, issued.Sha256Fingerprint, issued.Der, request.RenewalOf, now);
            try
            {
                await writer.AppendAsync([
                    new StreamAppend(id, true, [requested, approved, new EnrollmentFulfilled(id, issued.Serial, now)]),
                    new StreamAppend(issued.Serial, true, [certificateIssued]),
                ]);
                logger.LogDebug("Issued {Serial} for enrollment {EnrollmentId} (profile {Profile}, {Requester})",
                    issued.Serial, id, request.Profile, request.Requester);
                return _outcome = new IssuedOutcome(id, issued.Serial, issued.Der, issued.ChainDer);
            }
            catch (StreamCollisionException ex)
            {
                // Another activation (a node that died mid-request, or a retry after deactivation) committed this enrollment first.
                if (await LoadOutcomeAsync(id) is { } stored) return _outcome = stored;
                if (attempt >= SerialAttempts) throw;
                logger.LogWarning("Serial {Serial} collided; issuing again", ex.StreamId);
            }
        }
    }

    public async Task<EnrollmentOutcome?> GetOutcomeAsync() =>
        _outcome ??= await LoadOutcomeAsync(this.GetPrimaryKeyString());

    private static readonly TimeSpan PendingRetryAfter = TimeSpan.FromSeconds(30);

    private async Task<EnrollmentOutcome?> LoadOutcomeAsync(string id)
    {
        var record = await queries.GetEnrollmentAsync(id);
        if (record is null) return null;
        switch (record.Status)
        {
            case "Issued":
                var certificate = await queries.GetCertificateAsync(record.Serial!);
                if (certificate is null) return null;
                return new IssuedOutcome(id, certificate.Serial, certificate.Der, ca.GetIssuer(certificate.IssuerId).ChainDer);
            case "Rejected":
                var reason = Enum.TryParse<RejectionReason>(record.RejectionReason, out var r) ? r : RejectionReason.PolicyDenied;
                return new RejectedOutcome(id, reason, record.Message ?? "", record.Rules.Select(ToFiredRule).ToList());
            case "Pending":
                return new PendingOutcome(id, PendingRetryAfter, record.Message ?? "awaiting approval");
            default:
                return null;
        }
    }

    private async Task<EnrollmentOutcome> RecordRejectionAsync(string id, EnrollmentRequest request, PolicyInput? input, byte[]? csrDer,
        DateTimeOffset now, RejectionReason reason, string message, IReadOnlyList<FiredRule> rules, string actor, string? decidingRule = null)
    {
        var requested = Requested(id, request, input, csrDer, now);
        var rejected = new EnrollmentRejected(id, actor, reason.ToString(), message, decidingRule, Rules(rules), now);
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

    private static EnrollmentRequested Requested(string id, EnrollmentRequest request, PolicyInput? input, byte[]? csrDer, DateTimeOffset now) =>
        new(id, ProtocolName(request.Protocol), request.Profile, request.Requester.AuthenticationMethod, request.Requester.Principal,
            request.TransactionId, input?.SubjectText ?? "", input?.SubjectAltNames.Select(s => s.ToString()).ToArray() ?? [],
            input?.Key.ToString() ?? "", request.RenewalOf, csrDer, now);

    internal static string ProtocolName(EnrollmentProtocol protocol) => protocol.ToString().ToLowerInvariant();

    private static FiredRuleData[] Rules(IReadOnlyList<FiredRule> rules) =>
        rules.Select(r => new FiredRuleData(r.Rule, r.Effect.ToString().ToLowerInvariant(), r.Reason)).ToArray();

    private static FiredRule ToFiredRule(FiredRuleData r) =>
        new(r.Rule, Enum.TryParse<DecisionEffect>(r.Effect, true, out var e) ? e : DecisionEffect.Deny, r.Reason);
}
