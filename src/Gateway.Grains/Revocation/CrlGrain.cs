using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains.Revocation;

/// <summary>
/// Publishes the CRLs of one issuer (key = issuer id). One activation in the cluster: the CRL number is the version of
/// the issuer's <c>crl:&lt;id&gt;</c> stream, appended with an expected version before the CRL is served, so it only grows,
/// across restarts and nodes. Revocations ask for a new CRL after <see cref="CrlOptions.Debounce"/> (bursts coalesce);
/// a timer publishes one every <see cref="CrlOptions.RefreshInterval"/>, well before nextUpdate. Every node asks for an
/// update when the revocation feed reports a committed revocation (<see cref="CrlRevocationFollower"/>), so the CRL
/// follows revocations whose node died before asking. An activation always publishes afresh (revocations may have been
/// committed while no activation ran). While publishing fails, the last published CRL is served as long as it is
/// valid (from memory, or from the store after a restart); past its nextUpdate the failure surfaces (HTTP 503).
/// </summary>
internal sealed class CrlGrain(
    ICertificateAuthority ca,
    RevocationQueries queries,
    IEventWriter writer,
    IOptions<CrlOptions> options,
    TimeProvider time,
    ILogger<CrlGrain> logger) : Grain, ICrlGrain
{
    private readonly CrlOptions _options = options.Value;
    private string _issuerId = "";
    private bool _known;
    private long _lastNumber;
    private CrlInfo? _current;
    private bool _dirty;
    private IGrainTimer? _debounce;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _issuerId = this.GetPrimaryKeyString();
        _known = ca.Issuers.Any(i => i.Id == _issuerId);
        if (!_known) return;
        _lastNumber = (await queries.GetLastCrlAsync(_issuerId, cancellationToken))?.Number ?? 0;
        try
        {
            if (await queries.GetPublishedCrlAsync(_issuerId, cancellationToken) is { } kept)
            {
                _current = new CrlInfo(_issuerId, kept.Number, kept.ThisUpdate, kept.NextUpdate, kept.Entries, kept.Der);
            }
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex))
        {
            logger.LogWarning(ex, "The last published CRL of issuer {IssuerId} could not be read; a new one is published", _issuerId);
        }
        _dirty = true; // revocations may have been committed while no activation ran: publish before serving
        var period = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, _options.RefreshInterval.Ticks));
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = period, Period = period, KeepAlive = true });
    }

    public async Task<CrlInfo?> GetCurrentAsync()
    {
        if (!_known) return null;
        if (_current is null || _dirty || IsDue(_current))
        {
            try
            {
                await PublishAsync();
            }
            catch (Exception ex) when (_current is { } last && time.GetUtcNow() < last.NextUpdate)
            {
                logger.LogWarning(ex, "Publishing a CRL of issuer {IssuerId} failed; serving CRL {Number}, valid until {NextUpdate:u}",
                    _issuerId, last.Number, last.NextUpdate);
            }
        }
        return _current;
    }

    public Task RequestUpdateAsync()
    {
        if (!_known) return Task.CompletedTask;
        _dirty = true;
        _debounce ??= this.RegisterGrainTimer(DebouncedAsync,
            new GrainTimerCreationOptions { DueTime = _options.Debounce, Period = Timeout.InfiniteTimeSpan });
        return Task.CompletedTask;
    }

    private async Task DebouncedAsync(CancellationToken cancellationToken)
    {
        _debounce?.Dispose();
        _debounce = null;
        if (!_dirty) return;
        try
        {
            await PublishAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Publishing the CRL of issuer {IssuerId} after a revocation failed; the next request or tick retries", _issuerId);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && !_dirty && !IsDue(_current)) return;
        try
        {
            await PublishAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Scheduled publication of the CRL of issuer {IssuerId} failed; retrying in a minute", _issuerId);
        }
    }

    private bool IsDue(CrlInfo crl) => time.GetUtcNow() >= crl.ThisUpdate + _options.RefreshInterval;

    private async Task PublishAsync()
    {
        // Non-reentrant grain: no revocation notice interleaves with this; one arriving later sets _dirty again.
        _dirty = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var now = time.GetUtcNow();
                var rows = await queries.GetRevokedAsync(_issuerId, _issuerId == CertificateAuthority.DefaultIssuer, now);
                var entries = rows.Select(r => new CrlEntry(
                    Convert.FromHexString(r.Serial),
                    r.RevokedAt ?? now,
                    RevocationReasons.TryParse(r.Reason, out var reason) ? reason : RevocationReason.Unspecified,
                    r.InvalidityDate)).ToList();
                var number = _lastNumber + 1;
                var nextUpdate = now + _options.Validity;
                var der = ca.SignCrl(_issuerId, number, now, nextUpdate, entries);
                var published = new CrlPublished(_issuerId, number, now, nextUpdate, entries.Count, now);
                var stream = RevocationQueries.CrlStreamId(_issuerId);
                try
                {
                    await writer.AppendAsync([number == 1
                        ? new StreamAppend(stream, true, [published])
                        : new StreamAppend(stream, false, [published], ExpectedVersion: number - 1)]);
                }
                catch (Exception ex) when (ex is StreamVersionConflictException or StreamCollisionException && attempt < 3)
                {
                    // Another activation (a node that thought it owned this grain) took the number: catch up and sign again.
                    var stored = (await queries.GetLastCrlAsync(_issuerId))?.Number ?? 0;
                    logger.LogWarning(ex, "CRL number {Number} of issuer {IssuerId} was not free (stored: {Stored}); signing again", number, _issuerId, stored);
                    _lastNumber = Math.Max(_lastNumber, stored);
                    continue;
                }

                _lastNumber = number;
                _current = new CrlInfo(_issuerId, number, now, nextUpdate, entries.Count, der);
                await KeepAsync(_current);
                logger.LogInformation("Published CRL {Number} of issuer {IssuerId} with {Entries} entries, next update {NextUpdate:u}",
                    number, _issuerId, entries.Count, nextUpdate);
                return;
            }
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }

    /// <summary>Keeps the CRL just published for serving while a later publication fails; a failure here changes nothing else.</summary>
    private async Task KeepAsync(CrlInfo crl)
    {
        try
        {
            await queries.SavePublishedCrlAsync(new PublishedCrlDocument
            {
                IssuerId = crl.IssuerId, Number = crl.Number, ThisUpdate = crl.ThisUpdate, NextUpdate = crl.NextUpdate, Entries = crl.EntryCount, Der = crl.Der,
            });
        }
        catch (Exception ex) when (StoreFailure.IsTransient(ex))
        {
            logger.LogWarning(ex, "CRL {Number} of issuer {IssuerId} is published but could not be kept for serving after a restart", crl.Number, crl.IssuerId);
        }
    }
}
