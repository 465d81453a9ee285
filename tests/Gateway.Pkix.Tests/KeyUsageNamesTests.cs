using System.Security.Cryptography.X509Certificates;

namespace Gateway.Pkix.Tests;

public sealed class KeyUsageNamesTests
{
    [Theory]
    [InlineData("digitalSignature", X509KeyUsageFlags.DigitalSignature)]
    [InlineData("CONTENTCOMMITMENT", X509KeyUsageFlags.NonRepudiation)]
    [InlineData("cRLSign", X509KeyUsageFlags.CrlSign)]
    [InlineData("decipherOnly", X509KeyUsageFlags.DecipherOnly)]
    public void KeyUsageBits_TryGet_name_gives_the_bit(string name, X509KeyUsageFlags expected)
    {
        Assert.True(KeyUsageBits.TryGet(name, out var flag));
        Assert.Equal(expected, flag);
    }

    [Fact]
    public void KeyUsageBits_TryGet_unknown_name_is_refused() => Assert.False(KeyUsageBits.TryGet("signing", out _));

    [Fact]
    public void KeyUsageBits_Names_lists_the_set_bits_in_bit_order()
    {
        Assert.Equal(["digitalSignature", "keyCertSign", "decipherOnly"],
            KeyUsageBits.Names(X509KeyUsageFlags.DecipherOnly | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature));
        Assert.Empty(KeyUsageBits.Names(X509KeyUsageFlags.None));
    }

    [Theory]
    [InlineData("serverAuth", "1.3.6.1.5.5.7.3.1")]
    [InlineData("OCSPSIGNING", "1.3.6.1.5.5.7.3.9")]
    [InlineData("1.3.6.1.4.1.311.20.2.2", "1.3.6.1.4.1.311.20.2.2")]
    public void ExtendedKeyUsages_TryGetOid_name_or_oid_gives_the_oid(string text, string expected)
    {
        Assert.True(ExtendedKeyUsages.TryGetOid(text, out var oid));
        Assert.Equal(expected, oid);
        Assert.Equal(text.Contains('.') ? expected : ExtendedKeyUsages.Name(expected), ExtendedKeyUsages.Name(oid));
    }

    [Theory]
    [InlineData("smartcardLogon")]
    [InlineData("1.3.6.1.5.5.7.3.")]
    public void ExtendedKeyUsages_TryGetOid_unknown_name_or_bad_oid_is_refused(string text) => Assert.False(ExtendedKeyUsages.TryGetOid(text, out _));

    [Fact]
    public void ExtendedKeyUsages_Name_names_known_purposes_and_leaves_others_as_oids()
    {
        Assert.Equal("clientAuth", ExtendedKeyUsages.Name("1.3.6.1.5.5.7.3.2"));
        Assert.Equal("1.2.3.4", ExtendedKeyUsages.Name("1.2.3.4"));
    }
}
