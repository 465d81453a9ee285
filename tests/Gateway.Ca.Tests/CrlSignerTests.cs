using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace Gateway.Ca.Tests;

/// <summary>CRLs signed by the CA: v2, issuer, times, cRLNumber, AKI, entries with reason and invalidity date, signature.</summary>
public sealed class CrlSignerTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly CertificateAuthority _ca = fixture.Ca;

    private static X509Crl Parse(byte[] der) => new X509CrlParser().ReadCrl(der);

    [Fact]
    public void SignCrl_empty_isV2WithNumberAkiAndTimesAndVerifiesWithIssuerKey()
    {
        byte[] der = _ca.SignCrl("default", 42, T0, T0.AddDays(1), []);

        X509Crl crl = Parse(der);
        IssuingCa issuer = _ca.GetIssuer("default");
        Assert.Equal(2, crl.Version);
        Assert.Equal(issuer.Certificate.SubjectName.RawData, crl.IssuerDN.GetEncoded());
        Assert.Equal(T0.UtcDateTime, crl.ThisUpdate);
        Assert.Equal(T0.AddDays(1).UtcDateTime, crl.NextUpdate!.Value);
        Assert.Equal(42, DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).IntValueExact);
        var aki = AuthorityKeyIdentifier.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier).GetOctets()));
        var ski = Assert.Single(issuer.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier.GetOctets());
        Assert.Null(crl.GetRevokedCertificates());
        crl.Verify(new X509CertificateParser().ReadCertificate(issuer.Certificate.RawData).GetPublicKey());
    }

    [Fact]
    public void SignCrl_entries_carrySerialDateReasonAndInvalidityDate()
    {
        byte[] a = [0x12, 0x34, 0x56], b = [0x7f, 0x00, 0x01], c = [0x01];
        byte[] der = _ca.SignCrl("default", 1, T0, T0.AddDays(1), [
            new CrlEntry(a, T0.AddHours(-1), RevocationReason.KeyCompromise, T0.AddHours(-5)),
            new CrlEntry(b, T0.AddHours(-2), RevocationReason.CertificateHold),
            new CrlEntry(c, T0.AddHours(-3).AddMilliseconds(750), RevocationReason.Unspecified),
        ]);

        var entries = Parse(der).GetRevokedCertificates().ToDictionary(e => e.SerialNumber.ToString(16));
        Assert.Equal(3, entries.Count);

        X509CrlEntry compromised = entries["123456"];
        Assert.Equal(T0.AddHours(-1).UtcDateTime, compromised.RevocationDate);
        Assert.Equal(CrlReason.KeyCompromise, CrlReason.GetInstance(Asn1Object.FromByteArray(compromised.GetExtensionValue(X509Extensions.ReasonCode).GetOctets())).IntValueExact);
        Assert.Equal(T0.AddHours(-5).UtcDateTime,
            Asn1GeneralizedTime.GetInstance(Asn1Object.FromByteArray(compromised.GetExtensionValue(X509Extensions.InvalidityDate).GetOctets())).ToDateTime());

        Assert.Equal(CrlReason.CertificateHold, CrlReason.GetInstance(Asn1Object.FromByteArray(entries["7f0001"].GetExtensionValue(X509Extensions.ReasonCode).GetOctets())).IntValueExact);
        Assert.Null(entries["7f0001"].GetExtensionValue(X509Extensions.InvalidityDate));

        // Unspecified: no reasonCode at all (RFC 5280 §5.3.1); fractions of a second are dropped.
        Assert.Null(entries["1"].GetExtensionValue(X509Extensions.ReasonCode));
        Assert.Equal(T0.AddHours(-3).UtcDateTime, entries["1"].RevocationDate);
    }

    [Fact]
    public void SignCrl_loadsInDotNetWithTheSameNumberAndSerials()
    {
        byte[] der = _ca.SignCrl("default", 7, T0, T0.AddDays(1), [new CrlEntry([0x01, 0x02], T0, RevocationReason.Superseded)]);

        CertificateRevocationListBuilder builder = CertificateRevocationListBuilder.Load(der, out BigInteger number);

        Assert.Equal(7, number);
        Assert.True(builder.RemoveEntry([0x01, 0x02]));
    }

    [Fact]
    public void SignCrl_badInput_throwsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _ca.SignCrl("default", 1, T0, T0, []));
        Assert.Throws<ArgumentException>(() => _ca.SignCrl("default", 1, T0, T0.AddDays(1), [new CrlEntry([], T0, RevocationReason.Unspecified)]));
        Assert.Throws<ArgumentException>(() => _ca.SignCrl("default", 1, T0, T0.AddDays(1), [new CrlEntry([1], T0, RevocationReason.RemoveFromCrl)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ca.SignCrl("default", -1, T0, T0.AddDays(1), []));
        Assert.Throws<KeyNotFoundException>(() => _ca.SignCrl("nope", 1, T0, T0.AddDays(1), []));
    }

    [Fact]
    public void SignCrl_rsaIssuer_verifies()
    {
        using var dir = new TempDirectory();
        using CertificateAuthority ca = Given.Ca(Given.Options(dir, o => o.IssuingKeyAlgorithm = "rsa-3072"));

        X509Crl crl = Parse(ca.SignCrl("default", 1, T0, T0.AddDays(1), [new CrlEntry([0x05], T0, RevocationReason.AffiliationChanged)]));

        crl.Verify(new X509CertificateParser().ReadCertificate(ca.GetIssuer("default").Certificate.RawData).GetPublicKey());
        Assert.Equal("1.2.840.113549.1.1.11", crl.SigAlgOid);
    }
}
