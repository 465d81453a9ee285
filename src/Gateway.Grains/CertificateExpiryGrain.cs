using Gateway.Contracts.Grains;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Grains;

/// <summary>
/// Appends <see cref="CertificateExpired"/> to every certificate still marked valid past its notAfter. One activation
/// in the cluster (key 0) and not reentrant, so sweeps never overlap; a certificate is selected only while its
/// stored status is Valid and the event turns it Expired, so a sweep repeated after a crash marks nothing twice. The
/// same sweep settles enrollments whose certificate is past its confirmation deadline (EnrollmentGrain.Confirmation.cs).
/// </summary>
internal sealed class CertificateExpiryGrain(
    EnrollmentQueries queries,
    IEventWriter writer,
    IOptions<ExpiryOptions> options,
    TimeProvider time,
    ILogger<CertificateExpiryGrain> logger) : Grain, ICertificateExpiryGrain
{
    private const int MaxBatchesPerSweep = 100;
    private DateTimeOffset? _lastSweep;

    public async Task<ExpirySweepResult> SweepAsync(TimeSpan minimumInterval)
    {
        var now = time.GetUtcNow();
        if (_lastSweep is { } last && now - last < minimumInterval) return new ExpirySweepResult(0, true, now);
        var batch = Math.Clamp(options.Value.BatchSize, 1, 10_000);
        var marked = 0;
        for (var i = 0; i < MaxBatchesPerSweep; i++)
        {
            var expired = await queries.FindExpiredAsync(now, batch);
            if (expired.Count == 0) break;
            await writer.AppendAsync(expired
                .Select(c => new StreamAppend(c.Serial, false, [new CertificateExpired(c.Serial, c.NotAfter, now)]))
                .ToList());
            marked += expired.Count;
            if (expired.Count < batch) break;
        }
        // Certificates past their confirmation deadline whose enrollment grain did not revoke them (its activation ended: a restart, a lost silo).
        var unconfirmed = await queries.FindUnconfirmedAsync(now, batch);
        foreach (var enrollmentId in unconfirmed) await GrainFactory.GetGrain<IEnrollmentGrain>(enrollmentId).ExpireConfirmationAsync();
        _lastSweep = time.GetUtcNow();
        if (marked > 0) logger.LogInformation("Marked {Count} certificate(s) expired (notAfter before {Now:u})", marked, now);
        if (unconfirmed.Count > 0) logger.LogInformation("Revoked the unconfirmed certificates of {Count} enrollment(s) past their confirmation deadline", unconfirmed.Count);
        return new ExpirySweepResult(marked, false, now);
    }
}
