namespace Gateway.Policy.Tests;

public sealed class ProfileYamlTests
{
    private const string Json = """
        {
          "name": "json-profile",
          "description": "from JSON",
          "protocols": ["admin", "est"],
          "authentication": ["api-key"],
          "keys": {"rsa": {"minBits": 3072}, "ec": ["P-256"], "allowReuse": false},
          "san": {"dns": {"allow": ["*.example.test", "exact.test"]}, "maxCount": 3, "required": true},
          "validity": {"default": "30d", "max": "90d"},
          "extensions": {"certificatePolicies": ["1.2.3.4"]}
        }
        """;

    [Fact]
    public void ToBlockStyle_turns_a_json_profile_into_block_yaml_that_compiles_to_the_same_rules()
    {
        var yaml = ProfileYaml.ToBlockStyle(Json);

        Assert.NotNull(yaml);
        Assert.DoesNotContain("{", yaml);
        Assert.Contains("name: json-profile\n", yaml);
        Assert.Contains("  rsa:\n    minBits: 3072\n", yaml);
        Assert.Contains("allowReuse: false", yaml);
        Assert.Contains("'*.example.test'", yaml);
        Assert.DoesNotContain("...", yaml);
        var fromJson = ProfileDocument.Parse(Json, "json-profile", 1);
        var fromYaml = ProfileDocument.Parse(yaml, "json-profile", 1);
        Assert.True(fromYaml.Success, string.Join("; ", fromYaml.Errors));
        Assert.Equal(fromJson.Profiles[0].Requirements.AllowedKeys, fromYaml.Profiles[0].Requirements.AllowedKeys);
        Assert.Equal(fromJson.Profiles[0].MaxLifetime, fromYaml.Profiles[0].MaxLifetime);
        Assert.Equal(fromJson.Profiles[0].Protocols, fromYaml.Profiles[0].Protocols);
    }

    [Fact]
    public void ToBlockStyle_keeps_quotes_where_a_plain_scalar_would_change_type()
    {
        var yaml = ProfileYaml.ToBlockStyle("""{"a": "true", "b": "2048", "c": "null", "d": "", "e": "text"}""");
        Assert.Equal("a: \"true\"\nb: \"2048\"\nc: \"null\"\nd: \"\"\ne: text\n", yaml);
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("a: 1\n---\nb: 2\n")]
    public void ToBlockStyle_of_malformed_or_several_documents_is_null(string text) => Assert.Null(ProfileYaml.ToBlockStyle(text));

    [Theory]
    [InlineData("{\"name\": \"x\"}", true)]
    [InlineData("# comment\n\n  {name: x}", true)]
    [InlineData("name: x\n", false)]
    [InlineData("- {name: x}\n", false)]
    [InlineData("", false)]
    public void IsFlowMapping_looks_at_the_first_content_line(string text, bool expected) => Assert.Equal(expected, ProfileYaml.IsFlowMapping(text));
}
