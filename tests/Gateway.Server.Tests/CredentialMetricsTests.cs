using System.Diagnostics.Metrics;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Server.Tests;

public sealed class CredentialMetricsTests : IDisposable
{
    private readonly TestMeters _testMeters = new();

    private System.Diagnostics.Metrics.IMeterFactory Meters => _testMeters.Factory;

    [Theory]
    [InlineData(CredentialCheckStatus.NotFound, "not-found")]
    [InlineData(CredentialCheckStatus.WrongSecret, "wrong-secret")]
    [InlineData(CredentialCheckStatus.Revoked, "revoked")]
    [InlineData(CredentialCheckStatus.Expired, "expired")]
    [InlineData(CredentialCheckStatus.WrongProfile, "wrong-profile")]
    [InlineData(CredentialCheckStatus.Exhausted, "exhausted")]
    [InlineData(CredentialCheckStatus.SubjectNotAllowed, "subject-not-allowed")]
    public void Recorded_refusal_counts_one_with_reason_and_stage(CredentialCheckStatus status, string reason)
    {
        using var collector = new MetricCollector<long>(Meters, CredentialMetrics.MeterName, CredentialMetrics.Refusals);
        var check = new CredentialCheck(status, "x", 0, null);

        Assert.Same(check, new CredentialMetrics(Meters).Recorded(check, CredentialMetrics.Use));

        var m = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal((1L, reason, "use"), (m.Value, (string)m.Tags["reason"]!, (string)m.Tags["stage"]!));
    }

    [Fact]
    public void Recorded_valid_check_counts_nothing()
    {
        using var collector = new MetricCollector<long>(Meters, CredentialMetrics.MeterName, CredentialMetrics.Refusals);
        new CredentialMetrics(Meters).Recorded(new CredentialCheck(CredentialCheckStatus.Valid, "", 1, null), CredentialMetrics.Verify);
        Assert.Empty(collector.GetMeasurementSnapshot());
    }

    public void Dispose() => _testMeters.Dispose();
}
