using Gateway.Contracts.Acme;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains.Acme;

/// <summary>
/// One account key's binding (key = RFC 7638 thumbprint). An account is created here, in one commit with the key's
/// stream, so two newAccount requests with one key (on any nodes) make one account.
/// </summary>
internal sealed class AcmeAccountKeyGrain(IEventWriter writer, AcmeQueries queries, TimeProvider time, ILogger<AcmeAccountKeyGrain> logger)
    : Grain, IAcmeAccountKeyGrain
{
    private AcmeAccountKeyRecord? _record;

    private string Thumbprint => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _record = await queries.GetKeyAsync(Thumbprint, cancellationToken);

    public Task<string?> GetAccountIdAsync() => Task.FromResult(_record is { Released: false } r ? r.AccountId : null);

    /// <summary>Re-reads the binding after an account grain changed it (key rollover).</summary>
    public async Task ReloadAsync() => _record = await queries.GetKeyAsync(Thumbprint);

    public async Task<AcmeResult<AcmeAccountCreation>> CreateAccountAsync(AcmeNewAccount account)
    {
        if (account.Thumbprint != Thumbprint) throw new ArgumentException("The account's key is not this grain's.", nameof(account));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_record is { Released: true })
                return AcmeResult<AcmeAccountCreation>.Refused("unauthorized", "This key belonged to an account that has since moved to another key; it cannot register again.", 403);
            if (_record is { } bound)
            {
                var existing = await GrainFactory.GetGrain<IAcmeAccountGrain>(bound.AccountId).GetAsync();
                if (existing is not null) return AcmeResult<AcmeAccountCreation>.Ok(new AcmeAccountCreation(existing, true));
            }

            var id = AcmeIds.New();
            var now = time.GetUtcNow();
            var created = new AcmeAccountCreated(id, account.Profile, account.Jwk, Thumbprint, [.. account.Contacts], account.TermsOfServiceAgreed, account.EabCredentialId, now);
            var keyBound = new AcmeAccountKeyBound(Thumbprint, id, now);
            try
            {
                await writer.AppendAsync([new StreamAppend(AcmeStreams.Key(Thumbprint), true, [keyBound]), new StreamAppend(AcmeStreams.Account(id), true, [created])]);
            }
            catch (StreamCollisionException)
            {
                _record = await queries.GetKeyAsync(Thumbprint); // bound meanwhile (another activation during a cluster change)
                continue;
            }
            _record = AcmeAccountKeyRecord.Create(keyBound);
            logger.LogInformation("ACME account {AccountId} created in {Profile} (EAB credential {Credential})", id, account.Profile, account.EabCredentialId ?? "none");
            var info = await GrainFactory.GetGrain<IAcmeAccountGrain>(id).GetAsync()
                ?? AcmeAccountGrain.ToInfo(AcmeAccountRecord.Create(created));
            return AcmeResult<AcmeAccountCreation>.Ok(new AcmeAccountCreation(info, false));
        }
        return AcmeResult<AcmeAccountCreation>.Refused("serverInternal", "The account key's binding changed while the account was created; try again.", 500);
    }
}
