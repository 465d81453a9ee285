using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Gateway.Store.Records;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>One certificate's lifecycle (key = serial). Revocation is idempotent: a second request reports the first.</summary>
internal sealed class CertificateGrain(IEventWriter writer, InventoryQueries queries, TimeProvider time, ILogger<CertificateGrain> logger)
    : Grain, ICertificateGrain
{
    private CertificateRecord? _record;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await queries.GetCertificateAsync(this.GetPrimaryKeyString(), cancellationToken);
    }

    public async Task<RevocationResult> RevokeAsync(RevocationReason reason, string actor, DateTimeOffset? invalidityDate)
    {
        // Re-read: another path (a node that has since died) may have changed it since activation.
        _record = await queries.GetCertificateAsync(this.GetPrimaryKeyString()) ?? _record;
        if (_record is null) return new RevocationResult(RevocationStatus.NotFound, null, null);
        if (_record.RevokedAt is { } at && _record.Status == "Revoked")
        {
            RevocationReasons.TryParse(_record.RevocationReason, out var previous);
            return new RevocationResult(RevocationStatus.AlreadyRevoked, at, previous);
        }
        var now = time.GetUtcNow();
        var revoked = new CertificateRevoked(_record.Serial, reason.ToRfcName(), invalidityDate, actor, now);
        await writer.AppendAsync([new StreamAppend(_record.Serial, false, [revoked])]);
        _record.Apply(revoked);
        logger.LogInformation("Revoked {Serial} ({Reason}) by {Actor}", _record.Serial, reason.ToRfcName(), actor);
        return new RevocationResult(RevocationStatus.Revoked, now, reason);
    }
}
