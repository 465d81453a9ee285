using Gateway.Contracts;
using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// Confirmation of an issued certificate (CMP certConf). An enrollment fulfilled with a confirmation deadline is
/// settled by the requester's confirmation, or by revocation when the requester refuses the certificate or the deadline
/// passes (this activation's timer, or the sweep of <see cref="CertificateExpiryGrain"/> after a restart). State is read
/// from the enrollment's events each time and the decision appended at the version read. The certificate is revoked
/// before the refusal is recorded, so a crash between the two leaves an enrollment that is still awaiting and overdue:
/// the sweep revokes again (idempotent) and records it.
/// </summary>
internal sealed partial class EnrollmentGrain
{
    private const int ConfirmationAttempts = 3;
    // Timers may fire a little early; the deadline check would then find nothing to do.
    private static readonly TimeSpan TimerGrace = TimeSpan.FromMilliseconds(500);
    private IGrainTimer? _confirmationTimer;

    public async Task<EnrollmentOutcome> ConfirmAsync(string serial)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serial);
        var id = this.GetPrimaryKeyString();
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > ConfirmationAttempts) throw new InvalidOperationException($"Enrollment {id} keeps changing under its confirmation.");
            var stream = await enrollments.GetStreamAsync(id);
            if (!HoldsCertificate(stream, serial)) return UnknownCertificate(id, serial);
            var record = stream!.Record;
            if (record.Status != "AwaitingConfirmation") return await SettledOutcomeAsync(id, stream);

            var now = time.GetUtcNow();
            if (now > record.ConfirmBy)
            {
                await RevokeUnconfirmedAsync(stream, "gateway", NotConfirmedInTime(record.ConfirmBy!.Value));
                continue;
            }
            var actor = RequesterOf(stream.Requested);
            if (await TryAppendAsync(id, new CertificateConfirmed(id, record.Serial!, actor, now), stream.Version))
            {
                logger.LogInformation("Certificate {Serial} of enrollment {EnrollmentId} confirmed by {Requester}", record.Serial, id, actor);
                CancelConfirmationExpiry();
                continue;
            }
        }
    }

    public async Task<EnrollmentOutcome> RefuseAsync(string serial, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serial);
        var id = this.GetPrimaryKeyString();
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > ConfirmationAttempts) throw new InvalidOperationException($"Enrollment {id} keeps changing under its confirmation.");
            var stream = await enrollments.GetStreamAsync(id);
            if (!HoldsCertificate(stream, serial)) return UnknownCertificate(id, serial);
            if (stream!.Record.Status != "AwaitingConfirmation") return await SettledOutcomeAsync(id, stream);

            var text = string.IsNullOrWhiteSpace(reason) ? "Refused by the requester." : "Refused by the requester: " + reason.Trim();
            if (await RevokeUnconfirmedAsync(stream, RequesterOf(stream.Requested), text)) continue;
        }
    }

    public async Task<EnrollmentOutcome?> ExpireConfirmationAsync()
    {
        var id = this.GetPrimaryKeyString();
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > ConfirmationAttempts) throw new InvalidOperationException($"Enrollment {id} keeps changing under its confirmation.");
            var stream = await enrollments.GetStreamAsync(id);
            if (stream is null) return null;
            var record = stream.Record;
            if (record.Status != "AwaitingConfirmation" || time.GetUtcNow() <= record.ConfirmBy) return await SettledOutcomeAsync(id, stream);
            if (await RevokeUnconfirmedAsync(stream, "gateway", NotConfirmedInTime(record.ConfirmBy!.Value))) continue;
        }
    }

    /// <summary>Revokes the certificate, then records why; false when the enrollment changed since it was read (read it again).</summary>
    private async Task<bool> RevokeUnconfirmedAsync(EnrollmentStream stream, string actor, string reason)
    {
        var id = stream.Record.Id;
        var serial = stream.Record.Serial!;
        var revocation = await GrainFactory.GetGrain<ICertificateGrain>(serial).RevokeAsync(RevocationReason.CessationOfOperation, actor, null);
        if (revocation.Status == RevocationStatus.NotFound) throw new InvalidOperationException($"Enrollment {id} names certificate {serial}, which is not stored.");
        var refused = new CertificateConfirmationRefused(id, serial, actor, reason, time.GetUtcNow());
        if (!await TryAppendAsync(id, refused, stream.Version)) return false;
        logger.LogInformation("Certificate {Serial} of enrollment {EnrollmentId} revoked: {Reason}", serial, id, reason);
        CancelConfirmationExpiry();
        return true;
    }

    private async Task<bool> TryAppendAsync(string id, object e, long expectedVersion)
    {
        try
        {
            await writer.AppendAsync([new StreamAppend(id, false, [e], expectedVersion)]);
            return true;
        }
        catch (StreamVersionConflictException)
        {
            return false;
        }
    }

    private async Task<EnrollmentOutcome> SettledOutcomeAsync(string id, EnrollmentStream stream)
    {
        _outcome = await OutcomeAsync(id, stream.Record) ?? throw new InvalidOperationException($"Enrollment {id} has a certificate but no outcome.");
        return _outcome;
    }

    /// <summary>Revokes the certificate at <paramref name="confirmBy"/> unless it is confirmed or refused first (while this activation lives; the sweep covers the rest).</summary>
    private void ScheduleConfirmationExpiry(DateTimeOffset confirmBy)
    {
        CancelConfirmationExpiry();
        var due = confirmBy - time.GetUtcNow() + TimerGrace;
        _confirmationTimer = this.RegisterGrainTimer(async _ => await ExpireConfirmationAsync(),
            new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void CancelConfirmationExpiry()
    {
        _confirmationTimer?.Dispose();
        _confirmationTimer = null;
    }

    private static bool HoldsCertificate(EnrollmentStream? stream, string serial) =>
        stream?.Record.Serial is { } issued && string.Equals(issued, serial.Trim(), StringComparison.OrdinalIgnoreCase);

    private static RejectedOutcome UnknownCertificate(string id, string serial) =>
        new(id, RejectionReason.UnknownCertificateId, $"Enrollment {id} issued no certificate with serial {serial}.", []);

    private static string RequesterOf(EnrollmentRequested requested) => $"{requested.AuthenticationMethod}:{requested.Principal}";

    private static string NotConfirmedInTime(DateTimeOffset confirmBy) =>
        $"Not confirmed by {confirmBy:u}; the certificate is revoked.";
}
