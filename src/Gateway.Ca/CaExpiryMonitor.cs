using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>
/// Watches the issuing CAs' expiry (meter <c>Gateway.Ca</c>): the remaining validity of each issuer as a gauge
/// (<c>gateway.ca.remaining_validity</c>, seconds, tag <c>issuer</c>; negative once expired), and a log warning once a
/// day per issuer from <see cref="CaOptions.ExpiryWarning"/> before its notAfter (an error once it has expired: every
/// enrollment is then refused as unavailable until the CA is replaced). Readiness <c>ca</c> reports the same window.
/// </summary>
public sealed class CaExpiryMonitor : BackgroundService
{
    public const string MeterName = "Gateway.Ca";
    public const string RemainingValidity = "gateway.ca.remaining_validity";
    private static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);
    private static readonly TimeSpan WarnEvery = TimeSpan.FromDays(1);

    private readonly ICertificateAuthority _ca;
    private readonly TimeProvider _time;
    private readonly ILogger<CaExpiryMonitor> _logger;
    private readonly TimeSpan _warning;
    private readonly Dictionary<string, DateTimeOffset> _warned = new(StringComparer.Ordinal);

    public CaExpiryMonitor(ICertificateAuthority ca, IOptions<CaOptions> options, TimeProvider time, IMeterFactory meters, ILogger<CaExpiryMonitor> logger)
    {
        _ca = ca;
        _time = time;
        _logger = logger;
        _warning = options.Value.ExpiryWarning;
        meters.Create(MeterName).CreateObservableGauge(RemainingValidity, Observe, "s",
            "Time left before each issuing CA's notAfter (negative once expired).");
    }

    /// <summary>The warning window (<see cref="CaOptions.ExpiryWarning"/>).</summary>
    public TimeSpan Warning => _warning;

    private IEnumerable<Measurement<double>> Observe()
    {
        var now = _time.GetUtcNow();
        foreach (var issuer in _ca.Issuers)
        {
            yield return new Measurement<double>((issuer.NotAfter - now).TotalSeconds, new KeyValuePair<string, object?>("issuer", issuer.Id));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery, _time);
        do
        {
            Check();
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Warns about every issuer inside the window, at most once per <see cref="WarnEvery"/>; returns how many it warned about now.</summary>
    public int Check()
    {
        var now = _time.GetUtcNow();
        var warned = 0;
        // Earlier generations expire by design after a rollover: only the generations that sign are worth a warning.
        foreach (var issuer in _ca.CurrentIssuers)
        {
            var left = issuer.NotAfter - now;
            if (left > _warning) continue;
            if (_warned.TryGetValue(issuer.Id, out var last) && now - last < WarnEvery) continue;
            _warned[issuer.Id] = now;
            warned++;
            if (left <= TimeSpan.Zero)
            {
                _logger.LogError("The issuing CA '{IssuerId}' ({Subject}) expired at {NotAfter:u}: no certificate can be issued until it is replaced.",
                    issuer.Id, issuer.SubjectName, issuer.NotAfter);
            }
            else
            {
                _logger.LogWarning("The issuing CA '{IssuerId}' ({Subject}) expires at {NotAfter:u}, in {Days:F0} days (warning from {Option}): replace it before then.",
                    issuer.Id, issuer.SubjectName, issuer.NotAfter, left.TotalDays, CaOptions.SectionName + ":" + nameof(CaOptions.ExpiryWarning));
            }
        }
        return warned;
    }
}
