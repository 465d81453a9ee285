using Gateway.Contracts.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

using Gateway.Protocols.Common;

namespace Gateway.Protocols.Common.Tests;

public sealed class ClientCertificateMetricsTests
{
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters =
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    private static CertificateInfo Record(CertificateStatus status) => new(
        "01", "CN=d.test", [], "CN=Issuing", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), status, "iot-device",
        Gateway.Contracts.EnrollmentProtocol.Est, "client-certificate:CN=d.test", new string('a', 64), [0x30, 0x00], null, null, "est:1");

    [Theory]
    [InlineData(CertificateStatus.Revoked, "revoked")]
    [InlineData(CertificateStatus.Expired, "expired")]
    [InlineData(CertificateStatus.OnHold, "on_hold")]
    [InlineData(CertificateStatus.Valid, "mismatch")]
    public void RecordRefusal_stored_record_counts_its_reason(CertificateStatus status, string reason)
    {
        using var collector = new MetricCollector<long>(_meters, ClientCertificateMetrics.MeterName, ClientCertificateMetrics.Refusals);

        new ClientCertificateMetrics(_meters).RecordRefusal(Record(status));

        var m = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal((1L, reason), (m.Value, (string)m.Tags["reason"]!));
    }

    [Fact]
    public void RecordRefusal_no_stored_record_counts_unknown()
    {
        using var collector = new MetricCollector<long>(_meters, ClientCertificateMetrics.MeterName, ClientCertificateMetrics.Refusals);

        new ClientCertificateMetrics(_meters).RecordRefusal((CertificateInfo?)null);
        new ClientCertificateMetrics(_meters).RecordRefusal(ClientCertificateMetrics.Untrusted);

        Assert.Equal(["unknown", "untrusted"], collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToArray());
    }
}
