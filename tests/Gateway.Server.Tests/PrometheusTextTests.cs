namespace Gateway.Server.Tests;

/// <summary>The test's own Prometheus text reader: it must accept the format and refuse what is not.</summary>
public sealed class PrometheusTextTests
{
    private static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "prometheus", name));

    [Fact]
    public void Parse_valid_exposition_reads_every_sample_with_its_labels()
    {
        var text = PrometheusText.Parse(Read("valid.txt"));

        Assert.Equal(6, text.Samples.Count);
        Assert.Equal("counter", text.TypeOf["gateway_enrollments_total"]);
        Assert.Equal(3, text.Value("gateway_enrollments_total", ("protocol", "admin"), ("profile", "web-server"), ("outcome", "issued"), ("reason", "none")));
        Assert.Equal(1, text.Value("gateway_enrollments_total", ("protocol", "est"), ("profile", "a \"quoted\\ name"), ("outcome", "rejected"), ("reason", "bad_name")));
        Assert.Equal(5, text.Value("gateway_store_commit_duration_seconds_count"));
        Assert.Equal(5, text.Value("gateway_store_commit_duration_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(4, text.Sum("gateway_enrollments_total"));
    }

    [Theory]
    [InlineData("sample-without-value.txt", "line 3")]
    [InlineData("unterminated-label.txt", "line 2")]
    [InlineData("sample-without-type.txt", "line 1")]
    [InlineData("duplicate-series.txt", "line 3")]
    [InlineData("free-comment.txt", "line 2")]
    [InlineData("bad-value.txt", "line 2")]
    [InlineData("unknown-escape.txt", "line 2")]
    public void Parse_malformed_exposition_fails_naming_the_line(string file, string line)
    {
        var e = Assert.Throws<FormatException>(() => PrometheusText.Parse(Read(file)));
        Assert.StartsWith(line + ":", e.Message);
    }
}
