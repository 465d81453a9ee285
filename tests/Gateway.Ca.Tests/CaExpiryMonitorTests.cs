using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca.Tests;

/// <summary>Issue 14 item 7: the issuing CA's expiry is warned about ahead of time, in the log and as a metric.</summary>
public sealed class CaExpiryMonitorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters =
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Check_warns_once_a_day_inside_the_warning_window_and_errs_once_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Given.Options(_dir, o => { o.IssuingLifetimeYears = 1; o.ExpiryWarning = TimeSpan.FromDays(30); });
        using var ca = Given.Ca(options, time: time);
        var logger = new CapturingLogger<CaExpiryMonitor>();
        using var monitor = new CaExpiryMonitor(ca, Microsoft.Extensions.Options.Options.Create(options), time, _meters, logger);
        var notAfter = ca.GetIssuer("default").NotAfter;

        Assert.Equal(0, monitor.Check()); // a year left: nothing to say

        time.Now = notAfter - TimeSpan.FromDays(20);
        Assert.Equal(1, monitor.Check());
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("expires at", StringComparison.Ordinal)
            && e.Message.Contains("Gateway:Ca:ExpiryWarning", StringComparison.Ordinal));
        time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, monitor.Check()); // once a day, not per check
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, monitor.Check());

        time.Now = notAfter + TimeSpan.FromDays(2);
        Assert.Equal(1, monitor.Check());
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("expired at", StringComparison.Ordinal));
    }

    [Fact]
    public void Remaining_validity_is_a_gauge_per_issuer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Given.Options(_dir, o => o.IssuingLifetimeYears = 1);
        using var ca = Given.Ca(options, time: time);
        using var monitor = new CaExpiryMonitor(ca, Microsoft.Extensions.Options.Options.Create(options), time, _meters, new CapturingLogger<CaExpiryMonitor>());
        using var gauge = new MetricCollector<double>(_meters, CaExpiryMonitor.MeterName, CaExpiryMonitor.RemainingValidity);

        gauge.RecordObservableInstruments();

        var measurement = Assert.Single(gauge.GetMeasurementSnapshot());
        Assert.Equal("default", measurement.Tags["issuer"]);
        Assert.Equal((ca.GetIssuer("default").NotAfter - time.GetUtcNow()).TotalSeconds, measurement.Value, 3);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(4000)]
    public void Options_with_an_expiry_warning_out_of_range_are_refused_naming_it(double days)
    {
        var result = new CaOptionsValidator().Validate(null, Given.Options(_dir, o => o.ExpiryWarning = TimeSpan.FromDays(days)));

        Assert.True(result.Failed);
        Assert.Contains("Gateway:Ca:ExpiryWarning", result.FailureMessage);
    }
}
