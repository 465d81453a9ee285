using System.Net;
using Orleans.Runtime;

namespace Gateway.Cluster.Tests;

public sealed class SuspectTimesTests
{
    [Fact]
    public void Format_then_Parse_round_trips_IPv4_and_IPv6_silos_to_the_tick()
    {
        var time = new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);
        List<Tuple<SiloAddress, DateTime>> suspects =
        [
            Tuple.Create(SiloAddress.New(IPAddress.Parse("10.0.0.5"), 11111, 42), time),
            Tuple.Create(SiloAddress.New(IPAddress.IPv6Loopback, 11112, 43), time.AddSeconds(1)),
        ];

        var parsed = PostgresMembershipTable.SuspectTimes.Parse(PostgresMembershipTable.SuspectTimes.Format(suspects));

        Assert.Equal(suspects.Select(s => s.Item1), parsed.Select(p => p.Item1));
        Assert.Equal(suspects.Select(s => s.Item2), parsed.Select(p => p.Item2));
        Assert.All(parsed, p => Assert.Equal(DateTimeKind.Utc, p.Item2.Kind));
    }

    [Theory]
    [InlineData("no-separator")]
    [InlineData("=2030-01-01T00:00:00Z")]
    [InlineData("10.0.0.5:11111@42=not-a-time")]
    [InlineData("garbage=2030-01-01T00:00:00.0000000Z")]
    public void Parse_rejects_malformed_entries(string text) =>
        Assert.ThrowsAny<FormatException>(() => PostgresMembershipTable.SuspectTimes.Parse(text));

    [Fact]
    public void Utc_keeps_the_instant_whatever_the_kind()
    {
        var utc = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(utc, PostgresMembershipTable.Utc(utc));
        Assert.Equal(utc, PostgresMembershipTable.Utc(utc.ToLocalTime()));
        Assert.Equal(DateTimeKind.Utc, PostgresMembershipTable.Utc(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified)).Kind);
    }
}
