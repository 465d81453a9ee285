using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;

namespace Gateway.Protocols.Est.Tests;

public sealed class EstEncodingTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CertsOnly_one_certificate_is_byte_for_byte_what_BouncyCastle_writes()
    {
        using var ca = TestCertificates.Ca("Test CA", Now.AddDays(-1), Now.AddYears(1));
        using var leaf = TestCertificates.Leaf(ca, "device-1", Now.AddDays(-1), Now.AddDays(30));

        var ours = EstEncoding.CertsOnly([leaf.RawData]);

        Assert.Equal(BouncyCastleCertsOnly([leaf.RawData]), ours);
    }

    [Fact]
    public void CertsOnly_chain_is_byte_for_byte_what_BouncyCastle_writes_and_holds_every_certificate()
    {
        using var root = TestCertificates.Ca("Test Root", Now.AddDays(-1), Now.AddYears(5));
        using var issuing = TestCertificates.Leaf(root, "Test Issuing", Now.AddDays(-1), Now.AddYears(2));
        var chain = new[] { issuing.RawData, root.RawData };

        var ours = EstEncoding.CertsOnly(chain);

        Assert.Equal(BouncyCastleCertsOnly(chain), ours);
        var parsed = new CmsSignedData(ours);
        Assert.Empty(parsed.GetSignerInfos().GetSigners());
        var certificates = parsed.GetCertificates().EnumerateMatches(null).Select(c => c.GetEncoded()).ToList();
        Assert.Equal(2, certificates.Count);
        Assert.Contains(certificates, c => c.AsSpan().SequenceEqual(issuing.RawData));
        Assert.Contains(certificates, c => c.AsSpan().SequenceEqual(root.RawData));
    }

    private static byte[] BouncyCastleCertsOnly(IEnumerable<byte[]> certificates)
    {
        var parser = new X509CertificateParser();
        var store = CollectionUtilities.CreateStore(certificates.Select(c => parser.ReadCertificate(c)).ToList());
        var generator = new CmsSignedDataGenerator();
        generator.AddCertificates(store);
        return generator.Generate(new CmsAbsentContent(), false).GetEncoded("DER");
    }
}
