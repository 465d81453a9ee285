using System.Globalization;

namespace Gateway.Contracts.Tests;

public sealed class TimeOrderedIdsTests
{
    [Fact]
    public void NewHex_is_the_milliseconds_then_eighty_random_bits_in_lowercase_hex()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123);

        var ids = Enumerable.Range(0, 1000).Select(_ => TimeOrderedIds.NewHex(now)).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.All(ids, id => Assert.StartsWith(1_796_000_000_123L.ToString("x12", CultureInfo.InvariantCulture), id));
        Assert.Equal(1000, ids.Select(id => id[12..]).Distinct().Count());
    }

    [Fact]
    public void Ids_made_later_sort_after_earlier_ones()
    {
        var start = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        var earlier = TimeOrderedIds.NewHex(start);
        var later = TimeOrderedIds.NewHex(start.AddMilliseconds(1));
        var muchLater = TimeOrderedIds.NewHex(start.AddYears(30));

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.True(string.CompareOrdinal(later, muchLater) < 0);
    }

    [Fact]
    public void WriteTimePrefix_writes_six_bytes_and_leaves_the_rest()
    {
        Span<byte> buffer = [0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA];

        TimeOrderedIds.WriteTimePrefix(buffer, DateTimeOffset.FromUnixTimeMilliseconds(0x0102_0304_0506));

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 0xAA, 0xAA }, buffer.ToArray());
    }

    [Fact]
    public void WriteTimePrefix_refuses_a_short_buffer_and_writes_a_time_before_1970_as_1970()
    {
        Assert.Throws<ArgumentException>(() => TimeOrderedIds.WriteTimePrefix(new byte[5], DateTimeOffset.UnixEpoch));
        var buffer = new byte[6];
        TimeOrderedIds.WriteTimePrefix(buffer, DateTimeOffset.UnixEpoch.AddDays(-1));
        Assert.Equal(new byte[6], buffer);
    }

    [Fact]
    public void NewGuid_is_a_version_7_uuid_of_the_milliseconds_then_random_bits()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123);

        var ids = Enumerable.Range(0, 1000).Select(_ => TimeOrderedIds.NewGuid(now)).ToList();

        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.All(ids, id => Assert.Equal(0b10, id.Variant >> 2));
        Assert.All(ids, id => Assert.StartsWith("01a229f1", id.ToString("N"), StringComparison.Ordinal));
        Assert.All(ids, id => Assert.Equal("287b", id.ToString("N")[8..12]));
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.True(TimeOrderedIds.NewGuid(now).CompareTo(TimeOrderedIds.NewGuid(now.AddMilliseconds(1))) < 0);
    }

    [Fact]
    public void BulkRandom_hands_out_different_bytes_across_refills_and_for_requests_larger_than_its_buffer()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> chunk = stackalloc byte[10];
        for (var i = 0; i < 2000; i++) // 20,000 bytes: several 4 KiB refills, and a request that straddles each one
        {
            BulkRandom.Fill(chunk);
            Assert.True(seen.Add(Convert.ToHexString(chunk)));
        }
        var large = new byte[10_000];
        BulkRandom.Fill(large);
        Assert.True(large.Distinct().Count() > 200);
        Assert.NotEqual(new byte[16], large[..16]);
    }
}
