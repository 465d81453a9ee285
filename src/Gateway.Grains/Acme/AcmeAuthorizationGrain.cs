using Gateway.Contracts.Acme;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Acme;

/// <summary>
/// One ACME authorization (key = authorization id). A challenge the client says is ready is validated in the background
/// by <see cref="IChallengeValidator"/> (the ACME project's, registered by the host), and its result committed; the
/// client polls. A validation cut short by a restart runs again when the authorization is next activated.
/// </summary>
internal sealed class AcmeAuthorizationGrain(IEventWriter writer, AcmeQueries queries, TimeProvider time, IServiceProvider services,
    ILogger<AcmeAuthorizationGrain> logger) : Grain, IAcmeAuthorizationGrain
{
    private AcmeAuthorizationRecord? _record;
    private Task? _validation;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await queries.GetAuthorizationAsync(Id, cancellationToken);
        if (_record is { Status: "pending" } r && r.Challenges.FirstOrDefault(c => c.Status == "processing" && c.KeyAuthorization is not null) is { } interrupted)
        {
            _validation = ValidateAsync(interrupted.Type, interrupted.KeyAuthorization!);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_validation is { } validation) await validation.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
    }

    public Task<AcmeAuthorizationInfo?> GetAsync() => Task.FromResult(_record is null ? null : ToInfo(_record));

    public async Task<AcmeResult<AcmeAuthorizationInfo>> RespondAsync(string accountId, string type, string keyAuthorization)
    {
        if (_record is not { } r) return AcmeResult<AcmeAuthorizationInfo>.Refused("malformed", "No such authorization.", 404);
        if (r.AccountId != accountId) return AcmeResult<AcmeAuthorizationInfo>.Refused("unauthorized", "The authorization belongs to another account.", 403);
        if (r.Challenges.FirstOrDefault(c => c.Type == type) is not { } challenge)
            return AcmeResult<AcmeAuthorizationInfo>.Refused("malformed", $"The authorization has no {type} challenge.", 404);
        // Not pending (valid, invalid, deactivated, expired) or already being validated: the client sees where it stands.
        if (StatusOf(r) != "pending" || r.Challenges.Any(c => c.Status == "processing")) return AcmeResult<AcmeAuthorizationInfo>.Ok(ToInfo(r));
        if (services.GetService<IChallengeValidator>() is null)
            return AcmeResult<AcmeAuthorizationInfo>.Refused("serverInternal", "No challenge validator is configured on this node.", 500);

        var started = new AcmeChallengeStarted(Id, challenge.Type, keyAuthorization, time.GetUtcNow());
        try
        {
            await writer.AppendAsync([new StreamAppend(AcmeStreams.Authorization(Id), false, [started], r.Version)]);
        }
        catch (StreamVersionConflictException)
        {
            _record = await queries.GetAuthorizationAsync(Id);
            return AcmeResult<AcmeAuthorizationInfo>.Ok(ToInfo(_record ?? r));
        }
        r.Apply(started);
        _validation = ValidateAsync(challenge.Type, keyAuthorization);
        return AcmeResult<AcmeAuthorizationInfo>.Ok(ToInfo(r));
    }

    public async Task<AcmeResult<AcmeAuthorizationInfo>> DeactivateAsync(string accountId)
    {
        if (_record is not { } r) return AcmeResult<AcmeAuthorizationInfo>.Refused("malformed", "No such authorization.", 404);
        if (r.AccountId != accountId) return AcmeResult<AcmeAuthorizationInfo>.Refused("unauthorized", "The authorization belongs to another account.", 403);
        if (StatusOf(r) is not ("pending" or "valid"))
            return AcmeResult<AcmeAuthorizationInfo>.Refused("malformed", $"The authorization is {StatusOf(r)}; only a pending or valid one can be deactivated.");
        var deactivated = new AcmeAuthorizationDeactivated(Id, time.GetUtcNow());
        await writer.AppendAsync([new StreamAppend(AcmeStreams.Authorization(Id), false, [deactivated], r.Version)]);
        r.Apply(deactivated);
        return AcmeResult<AcmeAuthorizationInfo>.Ok(ToInfo(r));
    }

    private async Task ValidateAsync(string type, string keyAuthorization)
    {
        if (_record is not { } r || services.GetService<IChallengeValidator>() is not { } validator) return;
        var challenge = r.Challenges.First(c => c.Type == type);
        ChallengeValidation result;
        try
        {
            result = await validator.ValidateAsync(new ChallengeRequest(type, r.Identifier.Type, r.Identifier.Value, challenge.Token, keyAuthorization));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "ACME {Type} validation for {Identifier} failed unexpectedly", type, r.Identifier.Value);
            result = ChallengeValidation.Failure("serverInternal", "The validation could not be carried out.");
        }
        object done = result.Valid
            ? new AcmeChallengeValidated(Id, type, [.. result.AddressesUsed], time.GetUtcNow())
            : new AcmeChallengeFailed(Id, type, result.ProblemType ?? "incorrectResponse", result.Detail, [.. result.AddressesUsed], time.GetUtcNow());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await writer.AppendAsync([new StreamAppend(AcmeStreams.Authorization(Id), false, [done], r.Version)]);
                if (done is AcmeChallengeValidated v) r.Apply(v); else r.Apply((AcmeChallengeFailed)done);
                return;
            }
            catch (StreamVersionConflictException)
            {
                r = await queries.GetAuthorizationAsync(Id) ?? r;
                _record = r;
                if (r.Status != "pending") return; // deactivated meanwhile
            }
            catch (Exception ex) when (ex is not StreamVersionConflictException)
            {
                logger.LogWarning(ex, "ACME authorization {AuthorizationId}: the validation result could not be recorded", Id);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private string StatusOf(AcmeAuthorizationRecord r) =>
        r.Status is "pending" or "valid" && time.GetUtcNow() >= r.Expires ? "expired" : r.Status;

    private AcmeAuthorizationInfo ToInfo(AcmeAuthorizationRecord r) =>
        new(r.AuthorizationId, r.AccountId, new AcmeIdentifier(r.Identifier.Type, r.Identifier.Value), r.Wildcard, StatusOf(r), r.Expires,
            [.. r.Challenges.Select(c => new AcmeChallengeInfo(c.Type, c.Token, c.Status, c.Validated,
                c.ErrorType is null ? null : new AcmeError(c.ErrorType, c.ErrorDetail ?? ""), c.AddressesUsed))],
            r.PreAuthorized);
}
