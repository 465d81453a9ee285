using System.Security.Cryptography.X509Certificates;

namespace Gateway.Pkix.Tests;

public sealed class DerNameTests
{
    private static byte[] Testdata(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", file));

    [Theory]
    [InlineData("name-trailing-data.der", "has trailing data")]
    [InlineData("name-empty-rdn.der", "has an empty relative distinguished name")]
    [InlineData("name-attribute-no-oid.der", "has an attribute that does not start with an OID")]
    [InlineData("name-attribute-no-value.der", "has an attribute without a value")]
    [InlineData("name-attribute-extra-value.der", "has an attribute with more than a type and a value")]
    [InlineData("name-ber-long-length.der", "is not valid DER")]
    [InlineData("name-truncated.der", "is not valid DER")]
    public void TryCheck_malformed_name_is_refused_with_the_defect(string file, string expected)
    {
        var ok = DerName.TryCheck(Testdata(file), out _, out var error);

        Assert.False(ok);
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void TryCheck_well_formed_names_pass_and_tell_the_empty_one()
    {
        Assert.True(DerName.TryCheck(Testdata("name-cn.der"), out var cnEmpty, out var cnError));
        Assert.False(cnEmpty);
        Assert.Null(cnError);

        var multi = new X500DistinguishedName("CN=device-1, OU=Ops, O=Example, C=DE, E=ops@example.test").RawData;
        Assert.True(DerName.TryCheck(multi, out var multiEmpty, out _));
        Assert.False(multiEmpty);

        Assert.True(DerName.TryCheck(DerName.Empty, out var empty, out _));
        Assert.True(empty);
    }

    [Fact]
    public void TryCheck_nothing_at_all_is_refused()
    {
        Assert.False(DerName.TryCheck([], out _, out var error));
        Assert.StartsWith("is not valid DER", error);
    }
}
