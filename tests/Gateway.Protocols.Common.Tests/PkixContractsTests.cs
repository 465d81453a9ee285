using Gateway.Contracts;
using Gateway.Pkix;

namespace Gateway.Protocols.Common.Tests;

public sealed class PkixContractsTests
{
    [Fact]
    public void ToContract_every_name_kind_maps_to_the_type_of_the_same_name_and_text()
    {
        foreach (var kind in Enum.GetValues<SubjectAltNameKind>())
        {
            var entry = new SubjectAltNameEntry(kind, "value");

            var name = entry.ToContract();

            Assert.Equal(kind.ToString(), name.Type.ToString());
            Assert.Equal(entry.ToString(), name.ToString());
        }
    }

    [Fact]
    public void ToContract_key_and_extensions_keep_every_field()
    {
        var key = new PublicKeyDescription(PublicKeyDescription.Ec, 384, "P-384").ToContract();
        IReadOnlyList<RequestedExtension> extensions = [new("2.5.29.15", true, [0x03, 0x02, 0x07, 0x80]), new("1.2.3.4", false, [0x05, 0x00])];

        var converted = extensions.ToContracts();

        Assert.Equal(new KeyDescription(KeyDescription.Ec, 384, "P-384"), key);
        Assert.Equal(["2.5.29.15:True:03020780", "1.2.3.4:False:0500"], converted.Select(e => $"{e.Oid}:{e.Critical}:{Convert.ToHexString(e.Value)}"));
    }
}
