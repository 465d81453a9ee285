using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// One enrollment credential (key = credential id). The activation holds the record, calls run one at a time, and each
/// use is committed (with the stream version it was decided on) before the answer: so uses are counted exactly, also
/// if a second activation ever appeared during a cluster change (its append would fail the version check and re-read).
/// </summary>
internal sealed class CredentialGrain(
    CredentialSecretProtector protector,
    IEventWriter writer,
    CredentialQueries queries,
    TimeProvider time,
    CredentialMetrics metrics,
    ILogger<CredentialGrain> logger) : Grain, ICredentialGrain
{
    private const int Attempts = 3;
    private readonly List<(CredentialUse Use, CredentialUsed Used)> _unrecorded = [];
    private Task? _flushing;
    private CredentialRecord? _record;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (CredentialSecrets.IsWellFormedId(Id)) _record = await queries.GetAsync(Id, cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flushing is { } flushing) await flushing; // uses waiting to be recorded are written before the activation goes
    }

    public async Task<CreatedCredential?> CreateAsync(CredentialSpec spec, string actor)
    {
        if (!CredentialSecrets.IsWellFormedId(Id)) throw new ArgumentException($"'{Id}' is not a credential id.");
        if (_record is not null) return null;
        var now = time.GetUtcNow();
        if (CredentialRules.Validate(spec, now, out var valid) is { } problem) throw new ArgumentException(problem, nameof(spec));

        var secret = CredentialSecrets.NewSecret(Id);
        var salt = CredentialSecretHash.NewSalt();
        var created = new CredentialCreated(Id, valid.Profile, valid.MaxUses, valid.ExpiresAt, [.. valid.Subjects ?? []], valid.Description,
            CredentialSecretHash.Algorithm, salt, CredentialSecretHash.Compute(salt, secret), protector.KeyId, protector.Protect(Id, secret), actor, now);
        try
        {
            await writer.AppendAsync([new StreamAppend(CredentialStreams.For(Id), true, [created])]);
        }
        catch (StreamCollisionException)
        {
            _record = await queries.GetAsync(Id);
            return null;
        }
        _record = CredentialRecord.Create(created);
        logger.LogInformation("Created credential {CredentialId} for profile {Profile} (max uses {MaxUses}, expires {ExpiresAt}, {SubjectCount} subjects) by {Actor}",
            Id, valid.Profile, valid.MaxUses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited", valid.ExpiresAt, created.Subjects.Length, actor);
        return new CreatedCredential(CredentialRules.ToInfo(_record, now), secret);
    }

    public Task<CredentialInfo?> GetAsync() =>
        Task.FromResult(_record is null ? Unknown<CredentialInfo>() : CredentialRules.ToInfo(_record, time.GetUtcNow()));

    public Task<CredentialCheck> VerifySecretAsync(string secret, string profile)
    {
        if (_record is null) return Task.FromResult(metrics.Recorded(NotFound(), CredentialMetrics.Verify));
        if (!SecretMatches(secret))
        {
            logger.LogInformation("Credential {CredentialId}: a wrong secret was presented", Id);
            return Task.FromResult(metrics.Recorded(CredentialRules.Check(_record, CredentialCheckStatus.WrongSecret, "wrong secret"), CredentialMetrics.Verify));
        }
        return Task.FromResult(metrics.Recorded(CredentialRules.Refusal(_record, profile, time.GetUtcNow()) ?? CredentialRules.Valid(_record), CredentialMetrics.Verify));
    }

    public Task<byte[]?> GetMacKeyAsync(string profile) =>
        Task.FromResult(RawSecret(profile) is { } secret ? CredentialSecrets.MacKey(secret) : null);

    public Task<CredentialMacKey> GetMacKeyCheckedAsync(string profile)
    {
        if (_record is not { } r) return Task.FromResult(new CredentialMacKey(metrics.Recorded(NotFound(), CredentialMetrics.Verify), null));
        var check = CredentialRules.Refusal(r, profile, time.GetUtcNow()) ?? CredentialRules.Valid(r);
        metrics.Recorded(check, CredentialMetrics.Verify);
        if (check.Status is not (CredentialCheckStatus.Valid or CredentialCheckStatus.Exhausted)) return Task.FromResult(new CredentialMacKey(check, null));
        var secret = protector.Unprotect(Id, r.EncryptionKeyId, r.EncryptedSecret, out var problem);
        if (secret is null)
        {
            logger.LogError("Credential {CredentialId}: the raw secret cannot be decrypted: {Problem}", Id, problem);
            return Task.FromResult(new CredentialMacKey(CredentialRules.Check(r, CredentialCheckStatus.Revoked, "the secret cannot be read"), null));
        }
        return Task.FromResult(new CredentialMacKey(check, CredentialSecrets.MacKey(secret)));
    }

    public Task<byte[]?> GetEabHmacKeyAsync(string profile) =>
        Task.FromResult(RawSecret(profile) is { } secret ? CredentialSecrets.HmacKey(secret) : null);

    public async Task<CredentialReservation> ReserveUseAsync(CredentialUse use)
    {
        var names = (use.Names ?? []).ToArray();
        if (_record is null) return new CredentialReservation(metrics.Recorded(NotFound(), CredentialMetrics.Use), ProfileKeys.For(use.Profile), names, 0, null, false);
        var protocol = EnrollmentGrain.ProtocolName(use.Protocol);
        for (var attempt = 1; ; attempt++)
        {
            var record = _record;
            var now = time.GetUtcNow();
            if (use.Reference is { Length: > 0 } reference && record.RecentReferences.Contains(reference, StringComparer.Ordinal))
            {
                // This enrollment's use is committed already (with its certificate): nothing more to spend.
                return new CredentialReservation(CredentialRules.Valid(record), record.Profile, names, record.Uses, null, AlreadyCounted: true);
            }
            var refusal = use.Secret is not null && !SecretMatches(use.Secret)
                ? CredentialRules.Check(record, CredentialCheckStatus.WrongSecret, "wrong secret")
                : CredentialRules.Refusal(record, use.Profile, now) ?? CredentialRules.SubjectRefusal(record, names);
            if (refusal is null)
            {
                // Only a limited credential pins the version: an unlimited one (a static EST/SCEP secret shared by a
                // fleet) must not make every enrollment of the fleet wait for the previous one's commit.
                return new CredentialReservation(CredentialRules.Valid(record), record.Profile, names, record.Uses + 1,
                    record.MaxUses is null ? null : record.Version, AlreadyCounted: false);
            }
            var refused = new CredentialUseRefused(Id, ProfileKeys.For(use.Profile), protocol, use.Reference, names, CredentialRules.Slug(refusal.Status), refusal.Reason, now);
            try
            {
                await writer.AppendAsync([new StreamAppend(CredentialStreams.For(Id), false, [refused], ExpectedVersion: record.Version)]);
            }
            catch (StreamVersionConflictException) when (attempt < Attempts)
            {
                _record = await queries.GetAsync(Id) ?? record;
                continue;
            }
            record.Apply(refused);
            logger.LogInformation("Credential {CredentialId} use refused ({Status}: {Reason}) for {Protocol} {Reference}",
                Id, refusal.Status, refusal.Reason, protocol, use.Reference);
            return new CredentialReservation(metrics.Recorded(CredentialRules.Check(record, refusal.Status, refusal.Reason), CredentialMetrics.Use),
                record.Profile, names, record.Uses, null, false);
        }
    }

    public Task UseCommittedAsync(CredentialUse use, CredentialReservation reservation, DateTimeOffset at)
    {
        if (_record is not { } record || reservation.AlreadyCounted
            || (use.Reference is { Length: > 0 } reference && record.RecentReferences.Contains(reference, StringComparer.Ordinal)))
        {
            return Task.CompletedTask;
        }
        var used = new CredentialUsed(Id, reservation.ProfileKey, EnrollmentGrain.ProtocolName(use.Protocol), use.Reference, [.. reservation.Names],
            record.Uses + 1, at);
        if (reservation.ExpectedVersion is not null)
        {
            // A limited credential: the use was committed with the certificate; count it here too.
            record.Apply(used);
            LogUse(record, use);
            return Task.CompletedTask;
        }
        // An unlimited credential: record the use now, batched with the others that arrive while a batch commits.
        _unrecorded.Add((use, used));
        if (_flushing is null or { IsCompleted: true }) _flushing = FlushAsync();
        return Task.CompletedTask;
    }

    /// <summary>Appends the uses of an unlimited credential waiting to be recorded, in batches, until none wait.</summary>
    private async Task FlushAsync()
    {
        try
        {
            while (_unrecorded.Count > 0 && _record is { } record)
            {
                var batch = _unrecorded.ToList();
                _unrecorded.Clear();
                var events = batch.Select((u, i) => (object)(u.Used with { Uses = record.Uses + i + 1 })).ToList();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await writer.AppendAsync([new StreamAppend(CredentialStreams.For(Id), false, events, ExpectedVersion: record.Version)]);
                        break;
                    }
                    catch (StreamVersionConflictException) when (attempt < Attempts)
                    {
                        _record = record = await queries.GetAsync(Id) ?? record;
                        events = batch.Select((u, i) => (object)(u.Used with { Uses = record.Uses + i + 1 })).ToList();
                    }
                }
                foreach (var e in events.Cast<CredentialUsed>()) record.Apply(e);
                foreach (var (use, _) in batch) LogUse(record, use);
            }
        }
        catch (Exception ex)
        {
            // The certificates are committed; only the credential's use count lags (the certificates name the credential as requester).
            logger.LogWarning(ex, "Credential {CredentialId}: {Count} committed use(s) could not be recorded", Id, _unrecorded.Count);
            _unrecorded.Clear();
        }
        finally
        {
            _flushing = null;
        }
    }

    private void LogUse(CredentialRecord record, CredentialUse use) =>
        logger.LogInformation("Credential {CredentialId} used ({Uses}/{MaxUses}) for {Protocol} {Reference}",
            Id, record.Uses, record.MaxUses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited", use.Protocol, use.Reference);

    public async Task RefreshAsync()
    {
        if (CredentialSecrets.IsWellFormedId(Id)) _record = await queries.GetAsync(Id) ?? _record;
    }

    public async Task<CredentialCheck> ConsumeAsync(CredentialUse use)
    {
        if (_record is null) return metrics.Recorded(NotFound(), CredentialMetrics.Use);
        var names = (use.Names ?? []).ToArray();
        var protocol = EnrollmentGrain.ProtocolName(use.Protocol);
        for (var attempt = 1; ; attempt++)
        {
            var record = _record;
            var now = time.GetUtcNow();
            if (use.Reference is { Length: > 0 } reference && record.RecentReferences.Contains(reference, StringComparer.Ordinal)
                && (use.Secret is null || SecretMatches(use.Secret)))
            {
                // The same enrollment again (a retry after a deactivation or a crash): counted once already.
                return CredentialRules.Valid(record);
            }
            var refusal = use.Secret is not null && !SecretMatches(use.Secret)
                ? CredentialRules.Check(record, CredentialCheckStatus.WrongSecret, "wrong secret")
                : CredentialRules.Refusal(record, use.Profile, now) ?? CredentialRules.SubjectRefusal(record, names);
            object @event = refusal is null
                ? new CredentialUsed(Id, ProfileKeys.For(use.Profile), protocol, use.Reference, names, record.Uses + 1, now)
                : new CredentialUseRefused(Id, ProfileKeys.For(use.Profile), protocol, use.Reference, names, CredentialRules.Slug(refusal.Status), refusal.Reason, now);
            try
            {
                await writer.AppendAsync([new StreamAppend(CredentialStreams.For(Id), false, [@event], ExpectedVersion: record.Version)]);
            }
            catch (StreamVersionConflictException) when (attempt < Attempts)
            {
                logger.LogWarning("Credential {CredentialId} changed under this activation (another writer); re-reading", Id);
                _record = await queries.GetAsync(Id) ?? record;
                continue;
            }
            if (refusal is null)
            {
                record.Apply((CredentialUsed)@event);
                logger.LogInformation("Credential {CredentialId} used ({Uses}/{MaxUses}) for {Protocol} {Reference}",
                    Id, record.Uses, record.MaxUses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited", protocol, use.Reference);
                return CredentialRules.Valid(record);
            }
            record.Apply((CredentialUseRefused)@event);
            logger.LogInformation("Credential {CredentialId} use refused ({Status}: {Reason}) for {Protocol} {Reference}",
                Id, refusal.Status, refusal.Reason, protocol, use.Reference);
            return metrics.Recorded(CredentialRules.Check(record, refusal.Status, refusal.Reason), CredentialMetrics.Use);
        }
    }

    public async Task<CredentialInfo?> RevokeAsync(string actor)
    {
        if (_record is null) return Unknown<CredentialInfo>();
        for (var attempt = 1; ; attempt++)
        {
            var record = _record;
            if (record.Status == "Revoked") return CredentialRules.ToInfo(record, time.GetUtcNow());
            var revoked = new CredentialRevoked(Id, actor, time.GetUtcNow());
            try
            {
                await writer.AppendAsync([new StreamAppend(CredentialStreams.For(Id), false, [revoked], ExpectedVersion: record.Version)]);
            }
            catch (StreamVersionConflictException) when (attempt < Attempts)
            {
                _record = await queries.GetAsync(Id) ?? record;
                continue;
            }
            record.Apply(revoked);
            logger.LogInformation("Revoked credential {CredentialId} by {Actor}", Id, actor);
            return CredentialRules.ToInfo(record, revoked.At);
        }
    }

    public async Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync()
    {
        if (_record is null) return Unknown<IReadOnlyList<HistoryEntry>>();
        var items = await queries.GetHistoryAsync(Id);
        return items?.Select(i => new HistoryEntry(i.Type, i.Time, i.Actor, i.StreamId, i.Version, i.DetailsJson)).ToList();
    }

    private bool SecretMatches(string presented) =>
        _record is { } r && CredentialSecretHash.Matches(r.SecretSalt, r.SecretHash, presented, r.SecretHashAlgorithm);

    private string? RawSecret(string profile)
    {
        if (_record is not { } r) return Unknown<string>();
        if (CredentialRules.Refusal(r, profile, time.GetUtcNow()) is not null) return null;
        var secret = protector.Unprotect(Id, r.EncryptionKeyId, r.EncryptedSecret, out var problem);
        if (secret is null) logger.LogError("Credential {CredentialId}: the raw secret cannot be decrypted: {Problem}", Id, problem);
        return secret;
    }

    private CredentialCheck NotFound()
    {
        DeactivateOnIdle();
        return CredentialRules.Check(null, CredentialCheckStatus.NotFound, "unknown credential");
    }

    /// <summary>No such credential: let the activation go soon (anyone can name ids), and answer null.</summary>
    private T? Unknown<T>() where T : class
    {
        DeactivateOnIdle();
        return null;
    }
}
