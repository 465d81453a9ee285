using System.Formats.Asn1;
using System.Reflection;

namespace Gateway.Pkix.Tests;

public sealed class OidsTests
{
    [Theory]
    [InlineData("2.5.29.17")]
    [InlineData("1.3.6.1.4.1.311.20.2.3")]
    [InlineData("2.999.1")]
    [InlineData("0.39")]
    public void IsValid_dotted_oid_is_accepted(string oid) => Assert.True(Oids.IsValid(oid));

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("3.1")]
    [InlineData("1.40")]
    [InlineData("1.2.03")]
    [InlineData("1..2")]
    [InlineData("1.2.")]
    [InlineData("serverAuth")]
    [InlineData("1.2.3 ")]
    public void IsValid_anything_else_is_refused(string text) => Assert.False(Oids.IsValid(text));

    [Fact]
    public void Table_every_constant_is_a_distinct_valid_oid_that_DER_encodes()
    {
        var constants = typeof(Oids).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (Name: f.Name, Oid: (string)f.GetRawConstantValue()!)).ToList();

        Assert.NotEmpty(constants);
        foreach (var (name, oid) in constants)
        {
            Assert.True(Oids.IsValid(oid), $"{name} = {oid}");
            new AsnWriter(AsnEncodingRules.DER).WriteObjectIdentifier(oid);
        }
        var duplicates = constants.GroupBy(c => c.Oid).Where(g => g.Count() > 1).Select(g => string.Join("=", g.Select(c => c.Name))).ToList();
        Assert.True(duplicates.Count == 0, "one name per OID: " + string.Join(", ", duplicates));
    }
}
