using Gateway.Contracts;
using Gateway.Grains.Enrollment;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Server.Tests;

public sealed class EnrollmentMetricsTests : IDisposable
{
    private readonly TestMeters _testMeters = new();

    private System.Diagnostics.Metrics.IMeterFactory Meters => _testMeters.Factory;

    private MetricCollector<long> Enrollments() => new(Meters, EnrollmentMetrics.MeterName, EnrollmentMetrics.Enrollments);

    private static (string Protocol, string Profile, string Outcome, string Reason) Tags(CollectedMeasurement<long> m) =>
        ((string)m.Tags["protocol"]!, (string)m.Tags["profile"]!, (string)m.Tags["outcome"]!, (string)m.Tags["reason"]!);

    [Fact]
    public void Record_outcomes_count_one_each_tagged_with_protocol_profile_outcome_and_reason()
    {
        using var collector = Enrollments();
        var metrics = new EnrollmentMetrics(Meters);

        metrics.Record(EnrollmentProtocol.Est, "iot-device", new IssuedOutcome("est:1", "01", [], [], DateTimeOffset.UnixEpoch));
        metrics.Record(EnrollmentProtocol.Admin, "test-manual", new PendingOutcome("admin:2", TimeSpan.FromSeconds(30), "waiting"));
        metrics.Record(EnrollmentProtocol.Scep, "mdm-device", new RejectedOutcome("scep:3", RejectionReason.TransactionIdInUse, "in use", []));
        metrics.Record(EnrollmentProtocol.Cmp, "web-server", EnrollmentMetrics.Rejected, RejectionReason.BadMessageCheck);

        Assert.Equal(
            [("est", "iot-device", "issued", "none"), ("admin", "test-manual", "pending", "none"),
             ("scep", "mdm-device", "rejected", "transaction_id_in_use"), ("cmp", "web-server", "rejected", "bad_message_check")],
            collector.GetMeasurementSnapshot().Select(Tags).ToArray());
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public void Record_unknown_profile_rejection_tags_unknown_not_the_requested_name()
    {
        using var collector = Enrollments();
        new EnrollmentMetrics(Meters).Record(EnrollmentProtocol.Admin, "no-such-profile-4711", EnrollmentMetrics.Rejected, RejectionReason.UnknownProfile);

        Assert.Equal(("admin", "unknown", "rejected", "unknown_profile"), Tags(Assert.Single(collector.GetMeasurementSnapshot())));
    }

    [Theory]
    [InlineData("web server")]
    [InlineData("x\ny")]
    [InlineData("profil\u00e9")]
    public void Record_profile_that_cannot_be_a_profile_name_tags_unknown(string profile)
    {
        using var collector = Enrollments();
        new EnrollmentMetrics(Meters).Record(EnrollmentProtocol.Admin, profile, EnrollmentMetrics.Rejected, RejectionReason.BadRequest);
        Assert.Equal("unknown", (string)Assert.Single(collector.GetMeasurementSnapshot()).Tags["profile"]!);
    }

    [Fact]
    public void Record_more_profiles_than_the_bound_tags_the_rest_as_other()
    {
        using var collector = Enrollments();
        var metrics = new EnrollmentMetrics(Meters);

        for (var i = 0; i < EnrollmentMetrics.MaxProfiles + 5; i++) metrics.Record(EnrollmentProtocol.Admin, $"p{i}", EnrollmentMetrics.Issued, null);
        metrics.Record(EnrollmentProtocol.Admin, "P0", EnrollmentMetrics.Issued, null);

        var profiles = collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["profile"]!).ToList();
        Assert.Equal(EnrollmentMetrics.MaxProfiles, profiles.Distinct().Count(p => p != EnrollmentMetrics.OtherProfile));
        Assert.Equal(5, profiles.Count(p => p == EnrollmentMetrics.OtherProfile));
        Assert.Equal("p0", profiles[^1]);
    }

    [Fact]
    public void Record_stored_protocol_name_maps_back_and_an_unknown_one_is_other()
    {
        using var collector = Enrollments();
        var metrics = new EnrollmentMetrics(Meters);

        metrics.Record(EnrollmentMetrics.ProtocolOf("est"), "iot-device", EnrollmentMetrics.Rejected, RejectionReason.Denied);
        metrics.Record(EnrollmentMetrics.ProtocolOf("gopher"), "iot-device", EnrollmentMetrics.Rejected, RejectionReason.Denied);

        Assert.Equal(["est", "other"], collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["protocol"]!).ToArray());
    }

    [Theory]
    [InlineData(RejectionReason.BadRequest, "bad_request")]
    [InlineData(RejectionReason.PolicyDenied, "policy_denied")]
    [InlineData(RejectionReason.RateLimited, "rate_limited")]
    [InlineData(RejectionReason.BadCertTemplate, "bad_cert_template")]
    [InlineData(RejectionReason.UnknownCertificateId, "unknown_certificate_id")]
    public void ReasonTag_reason_is_snake_case(RejectionReason reason, string tag) => Assert.Equal(tag, EnrollmentMetrics.ReasonTag(reason));

    [Fact]
    public void RecordDecision_and_RecordIssuance_record_seconds_in_their_own_histograms()
    {
        using var decisions = new MetricCollector<double>(Meters, EnrollmentMetrics.MeterName, EnrollmentMetrics.DecisionDuration);
        using var issuances = new MetricCollector<double>(Meters, EnrollmentMetrics.MeterName, EnrollmentMetrics.IssuanceDuration);
        var metrics = new EnrollmentMetrics(Meters);

        metrics.RecordDecision(TimeSpan.FromMilliseconds(2));
        metrics.RecordIssuance(TimeSpan.FromMilliseconds(250));

        Assert.Equal(0.002, Assert.Single(decisions.GetMeasurementSnapshot()).Value, 9);
        Assert.Equal(0.25, Assert.Single(issuances.GetMeasurementSnapshot()).Value, 9);
        Assert.Equal("s", decisions.Instrument!.Unit);
    }

    public void Dispose() => _testMeters.Dispose();
}
