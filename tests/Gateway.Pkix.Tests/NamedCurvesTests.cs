namespace Gateway.Pkix.Tests;

public sealed class NamedCurvesTests
{
    [Theory]
    [InlineData("P-256", "1.2.840.10045.3.1.7")]
    [InlineData("prime256v1", "1.2.840.10045.3.1.7")]
    [InlineData("SECP384R1", "1.3.132.0.34")]
    [InlineData("nistP521", "1.3.132.0.35")]
    public void TryGetOid_known_name_or_alias_gives_the_curve_oid(string name, string expected)
    {
        Assert.True(NamedCurves.TryGetOid(name, out var oid));
        Assert.Equal(expected, oid);
    }

    [Theory]
    [InlineData("P-192")]
    [InlineData("brainpoolP256r1")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGetOid_other_or_no_name_is_refused(string? name)
    {
        Assert.False(NamedCurves.TryGetOid(name, out var oid));
        Assert.Equal("", oid);
    }

    [Theory]
    [InlineData("1.2.840.10045.3.1.7", "P-256")]
    [InlineData("1.3.132.0.10", "secp256k1")]
    [InlineData("1.2.3.4", null)]
    public void NameOf_names_known_curves_only(string oid, string? expected) => Assert.Equal(expected, NamedCurves.NameOf(oid));
}
