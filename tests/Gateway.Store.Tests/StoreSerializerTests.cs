using Gateway.Store.Events;
using Marten;

namespace Gateway.Store.Tests;

/// <summary>The JSON the store writes (events and snapshots): what PostgreSQL parses into jsonb with every row.</summary>
public sealed class StoreSerializerTests
{
    private static ISerializer Serializer()
    {
        var options = new StoreOptions();
        StoreServiceCollectionExtensions.ConfigureMarten(options, "gateway");
        return options.Serializer();
    }

    [Fact]
    public void Base64_and_non_ascii_names_are_written_as_they_are_not_as_escapes()
    {
        // 0xFB 0xEF 0xBE: "++++" in base64, which the default encoder wrote as "\u002B\u002B\u002B\u002B".
        var issued = new CertificateIssued("01", "admin:x", "web-server", "admin", "api-key:k", "CN=Müller <ops> & 'co'", ["DNS:a.test"],
            "default", "CN=CA", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "00", [0xFB, 0xEF, 0xBE, 0xFB, 0xEF, 0xBE], null, DateTimeOffset.UnixEpoch);

        var json = Serializer().ToJson(issued);

        Assert.Contains("\"Der\":\"++++++++\"", json, StringComparison.Ordinal);
        Assert.Contains("CN=Müller <ops> & 'co'", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        Assert.DoesNotContain("RenewalOf", json, StringComparison.Ordinal); // absent, not null
    }

    [Fact]
    public void Characters_json_requires_escaped_still_are()
    {
        var issued = new CertificateIssued("01", "admin:x", "web-server", "admin", "api-key:k", "CN=a\"b\\c\nd", [], "default", "CN=CA",
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "00", [], null, DateTimeOffset.UnixEpoch);

        var json = Serializer().ToJson(issued);

        Assert.Contains("CN=a\\\"b\\\\c\\nd", json, StringComparison.Ordinal);
        Assert.Equal("CN=a\"b\\c\nd", Serializer().FromJson<CertificateIssued>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Subject);
    }
}
