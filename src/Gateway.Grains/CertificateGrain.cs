using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Grains.Profiles;
using Gateway.Grains.Revocation;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// One certificate's lifecycle (key = serial). Revocation is idempotent: a second request reports the first. A hold
/// (certificateHold, only where the profile allows it) can be made final by another revocation or released. After each
/// change is committed, this node's OCSP cache forgets the serial (other nodes hear the commit's NOTIFY) and the
/// issuer's CRL grain is asked for a new CRL.
/// </summary>
internal sealed class CertificateGrain(
    IEventWriter writer,
    InventoryQueries queries,
    ProfileCatalogProvider catalog,
    OcspResponseCache ocsp,
    TimeProvider time,
    ILogger<CertificateGrain> logger) : Grain, ICertificateGrain
{
    private CertificateRecord? _record;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await queries.GetCertificateAsync(this.GetPrimaryKeyString(), cancellationToken);
    }

    public async Task<RevocationResult> RevokeAsync(RevocationReason reason, string actor, DateTimeOffset? invalidityDate)
    {
        if (reason == RevocationReason.RemoveFromCrl)
        {
            throw new ArgumentException("removeFromCRL is not a revocation reason: release the hold instead.", nameof(reason));
        }

        for (var attempt = 1; ; attempt++)
        {
            // Re-read with the stream's version: another activation (a node that has since died) may have changed it.
            var (record, version) = await queries.GetCertificateForWritingAsync(this.GetPrimaryKeyString());
            _record = record ?? _record;
            if (_record is null) return new RevocationResult(RevocationStatus.NotFound, null, null);
            if (_record.RevokedAt is { } at && (_record.Status == "Revoked" || (_record.Status == "OnHold" && reason == RevocationReason.CertificateHold)))
            {
                RevocationReasons.TryParse(_record.RevocationReason, out var previous);
                return new RevocationResult(RevocationStatus.AlreadyRevoked, at, previous);
            }
            if (CaCertificateInventory.IsCaProfile(_record.Profile))
            {
                return new RevocationResult(RevocationStatus.NotRevocable, null, null);
            }
            if (reason == RevocationReason.CertificateHold && !AllowsHold(_record.Profile))
            {
                return new RevocationResult(RevocationStatus.HoldNotAllowed, null, null);
            }

            var now = time.GetUtcNow();
            var revoked = new CertificateRevoked(_record.Serial, reason.ToRfcName(), invalidityDate, actor, now);
            try
            {
                await writer.AppendAsync([new StreamAppend(_record.Serial, false, [revoked], version)]);
            }
            catch (StreamVersionConflictException) when (attempt < MaxAttempts)
            {
                // Changed since it was read: decide again on what is stored now.
                continue;
            }
            _record.Apply(revoked);
            logger.LogInformation("Revoked {Serial} ({Reason}) by {Actor}", _record.Serial, reason.ToRfcName(), actor);
            await PublishAsync(_record);
            return new RevocationResult(RevocationStatus.Revoked, now, reason);
        }
    }

    public async Task<HoldReleaseResult> ReleaseHoldAsync(string actor)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (record, version) = await queries.GetCertificateForWritingAsync(this.GetPrimaryKeyString());
            _record = record ?? _record;
            if (_record is null) return new HoldReleaseResult(HoldReleaseStatus.NotFound, null);
            switch (_record.Status)
            {
                case "Revoked":
                    return new HoldReleaseResult(HoldReleaseStatus.Revoked, null);
                case not "OnHold":
                    return new HoldReleaseResult(HoldReleaseStatus.NotOnHold, null);
            }

            var now = time.GetUtcNow();
            var released = new CertificateHoldReleased(_record.Serial, actor, now);
            try
            {
                // Expected version: a final revocation appended since the hold was read makes this fail, not undo it.
                await writer.AppendAsync([new StreamAppend(_record.Serial, false, [released], version)]);
            }
            catch (StreamVersionConflictException) when (attempt < MaxAttempts)
            {
                continue;
            }
            _record.Apply(released);
            logger.LogInformation("Released {Serial} from certificateHold by {Actor}", _record.Serial, actor);
            await PublishAsync(_record);
            return new HoldReleaseResult(HoldReleaseStatus.Released, now);
        }
    }

    /// <summary>Appends tried against a changing stream before giving up (the conflict then surfaces).</summary>
    private const int MaxAttempts = 5;

    private bool AllowsHold(string profile) => catalog.Current.TryGet(profile, out var compiled) && compiled.AllowsCertificateHold;

    /// <summary>The change is committed: status answers and the CRL follow. Failures here are logged, never undo the change.</summary>
    private async Task PublishAsync(CertificateRecord record)
    {
        ocsp.Invalidate(record.Serial);
        try
        {
            await GrainFactory.GetGrain<ICrlGrain>(record.IssuerId is { Length: > 0 } issuer ? issuer : Ca.CertificateAuthority.DefaultIssuer).RequestUpdateAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not ask for a new CRL after changing {Serial}; the CRL grain's schedule will publish it", record.Serial);
        }
    }
}
