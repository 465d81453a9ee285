using Gateway.Contracts.Revocation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Protocols.Ocsp.Tests;

public sealed class OcspMetricsTests
{
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters =
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    private static OcspAnswer Successful(OcspCertificateState? state) => new(OcspResponseStatus.Successful, [0x30, 0x00], DateTimeOffset.UnixEpoch, null, state);

    public static TheoryData<OcspAnswer, string> Answers => new()
    {
        { Successful(OcspCertificateState.Good), "good" },
        { Successful(OcspCertificateState.Revoked), "revoked" },
        { Successful(OcspCertificateState.Unknown), "unknown" },
        { Successful(null), "unknown" },
        { OcspAnswer.Error(OcspResponseStatus.MalformedRequest), "malformed" },
        { OcspAnswer.Error(OcspResponseStatus.Unauthorized), "unauthorized" },
        { OcspAnswer.Error(OcspResponseStatus.InternalError), "internal_error" },
        { OcspAnswer.Error(OcspResponseStatus.TryLater), "try_later" },
        { OcspAnswer.Error(OcspResponseStatus.SigRequired), "sig_required" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Record_answer_counts_one_response_tagged_with_its_status(OcspAnswer answer, string status)
    {
        using var responses = new MetricCollector<long>(_meters, OcspMetrics.MeterName, OcspMetrics.Responses);
        var metrics = new OcspMetrics(_meters);

        metrics.Record(answer);

        var measurement = Assert.Single(responses.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(status, measurement.Tags["status"]);
    }

    [Fact]
    public void Record_two_answers_counts_each_under_its_own_status()
    {
        using var responses = new MetricCollector<long>(_meters, OcspMetrics.MeterName, OcspMetrics.Responses);
        var metrics = new OcspMetrics(_meters);

        metrics.Record(Successful(OcspCertificateState.Good));
        metrics.Record(OcspAnswer.Error(OcspResponseStatus.MalformedRequest));

        Assert.Equal(["good", "malformed"], responses.GetMeasurementSnapshot().Select(m => (string)m.Tags["status"]!).ToArray());
    }
}
