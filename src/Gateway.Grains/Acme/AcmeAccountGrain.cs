using Gateway.Contracts.Acme;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Acme;

/// <summary>One ACME account (key = account id): contacts, deactivation and key rollover, each committed before the answer.</summary>
internal sealed class AcmeAccountGrain(IEventWriter writer, AcmeQueries queries, TimeProvider time, ILogger<AcmeAccountGrain> logger)
    : Grain, IAcmeAccountGrain
{
    private AcmeAccountRecord? _record;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _record = await queries.GetAccountAsync(Id, cancellationToken);

    internal static AcmeAccountInfo ToInfo(AcmeAccountRecord r) =>
        new(r.AccountId, r.Profile, r.Jwk, r.Thumbprint, r.Status, r.Contacts, r.TermsOfServiceAgreed, r.EabCredentialId, r.CreatedAt);

    public async Task<AcmeAccountInfo?> GetAsync()
    {
        // Created by the key grain in another activation's commit: read it once it is there.
        _record ??= await queries.GetAccountAsync(Id);
        return _record is null ? null : ToInfo(_record);
    }

    public Task<IReadOnlyList<string>> ListOrdersAsync(int take) => queries.OrderIdsOfAsync(Id, time.GetUtcNow(), Math.Clamp(take, 1, 1000));

    public Task<bool> IsReplacedAsync(string replaces) => queries.IsReplacedAsync(replaces, time.GetUtcNow());

    public Task<AcmeResult<AcmeAccountInfo>> UpdateContactsAsync(IReadOnlyList<string> contacts) =>
        AppendAsync(r => [new AcmeAccountContactsUpdated(r.AccountId, [.. contacts], time.GetUtcNow())]);

    public async Task<AcmeResult<AcmeAccountInfo>> DeactivateAsync()
    {
        var result = await AppendAsync(r => [new AcmeAccountDeactivated(r.AccountId, time.GetUtcNow())]);
        if (result.Value is not null) logger.LogInformation("ACME account {AccountId} deactivated", Id);
        return result;
    }

    public async Task<AcmeResult<AcmeAccountInfo>> ChangeKeyAsync(string oldThumbprint, string newJwk, string newThumbprint)
    {
        _record ??= await queries.GetAccountAsync(Id);
        if (_record is not { } r) return AcmeResult<AcmeAccountInfo>.Refused("accountDoesNotExist", "No such account.", 400);
        if (r.Status != "valid") return AcmeResult<AcmeAccountInfo>.Refused("unauthorized", $"The account is {r.Status}.", 401);
        if (r.Thumbprint != oldThumbprint) return AcmeResult<AcmeAccountInfo>.Refused("malformed", "oldKey is not the account's current key.");
        var now = time.GetUtcNow();
        var changed = new AcmeAccountKeyChanged(r.AccountId, oldThumbprint, newJwk, newThumbprint, now);
        try
        {
            await writer.AppendAsync([
                new StreamAppend(AcmeStreams.Account(r.AccountId), false, [changed], r.Version),
                new StreamAppend(AcmeStreams.Key(newThumbprint), true, [new AcmeAccountKeyBound(newThumbprint, r.AccountId, now)]),
                new StreamAppend(AcmeStreams.Key(oldThumbprint), false, [new AcmeAccountKeyReleased(oldThumbprint, r.AccountId, now)]),
            ]);
        }
        catch (StreamCollisionException)
        {
            return AcmeResult<AcmeAccountInfo>.Refused("conflict", "The new key belongs (or belonged) to another account.", 409);
        }
        catch (StreamVersionConflictException)
        {
            _record = await queries.GetAccountAsync(Id);
            return AcmeResult<AcmeAccountInfo>.Refused("conflict", "The account changed meanwhile; try again.", 409);
        }
        r.Apply(changed);
        await GrainFactory.GetGrain<IAcmeAccountKeyGrain>(oldThumbprint).ReloadAsync();
        await GrainFactory.GetGrain<IAcmeAccountKeyGrain>(newThumbprint).ReloadAsync();
        logger.LogInformation("ACME account {AccountId} rolled over to a new key", Id);
        return AcmeResult<AcmeAccountInfo>.Ok(ToInfo(r));
    }

    private async Task<AcmeResult<AcmeAccountInfo>> AppendAsync(Func<AcmeAccountRecord, object[]> events)
    {
        for (var attempt = 0; ; attempt++)
        {
            _record ??= await queries.GetAccountAsync(Id);
            if (_record is not { } r) return AcmeResult<AcmeAccountInfo>.Refused("accountDoesNotExist", "No such account.", 400);
            if (r.Status != "valid") return AcmeResult<AcmeAccountInfo>.Refused("unauthorized", $"The account is {r.Status}.", 401);
            var toAppend = events(r);
            try
            {
                await writer.AppendAsync([new StreamAppend(AcmeStreams.Account(r.AccountId), false, toAppend, r.Version)]);
            }
            catch (StreamVersionConflictException) when (attempt < 2)
            {
                _record = await queries.GetAccountAsync(Id);
                continue;
            }
            foreach (var e in toAppend)
            {
                switch (e)
                {
                    case AcmeAccountContactsUpdated u: r.Apply(u); break;
                    case AcmeAccountDeactivated d: r.Apply(d); break;
                }
            }
            return AcmeResult<AcmeAccountInfo>.Ok(ToInfo(r));
        }
    }
}
