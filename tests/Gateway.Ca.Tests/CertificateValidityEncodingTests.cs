using System.Formats.Asn1;

namespace Gateway.Ca.Tests;

public sealed class CertificateValidityEncodingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Issue_validityAcross2050_usesUtcTimeBeforeAndGeneralizedTimeFrom2050()
    {
        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o =>
        {
            o.RootLifetimeYears = 60;
            o.IssuingLifetimeYears = 50;
        }));
        Assert.True(ca.GetIssuer("default").NotAfter.Year >= 2050);

        IssuedCertificate issued = ca.Issue(Given.Template(notAfter: new DateTimeOffset(2051, 3, 4, 5, 6, 7, TimeSpan.Zero)));

        var tbs = new AsnReader(issued.Der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        tbs.ReadEncodedValue(); // version
        tbs.ReadEncodedValue(); // serial
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        var validity = tbs.ReadSequence();
        Assert.Equal(UniversalTagNumber.UtcTime, (UniversalTagNumber)validity.PeekTag().TagValue);
        validity.ReadUtcTime();
        Assert.Equal(UniversalTagNumber.GeneralizedTime, (UniversalTagNumber)validity.PeekTag().TagValue);
        ReadOnlyMemory<byte> notAfter = validity.ReadEncodedValue();
        Assert.Equal("20510304050607Z", System.Text.Encoding.ASCII.GetString(notAfter.Span[2..]));
        Assert.Equal(new DateTimeOffset(2051, 3, 4, 5, 6, 7, TimeSpan.Zero), issued.NotAfter);
        Given.AssertVerifies(ca, issued);
    }
}
