using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Contracts.Tests;

/// <summary>The identity attributes a TLS client certificate gives a requester (issue 13 item 5).</summary>
public sealed class RequesterClaimsTests
{
    private static X509Certificate2 Certificate(X500DistinguishedName subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public void FromClientCertificate_cnAndSubjectSerialNumber_areBothClaimed()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("Acme Devices");
        builder.Add("2.5.4.5", "SN-0042");
        builder.AddCommonName("dev1.test");
        using var certificate = Certificate(builder.Build());

        var claims = RequesterClaims.FromClientCertificate(certificate);

        Assert.Equal("dev1.test", claims[RequesterClaims.ClientCertificateCommonName]);
        Assert.Equal("SN-0042", claims[RequesterClaims.ClientCertificateSerialNumber]);
    }

    [Fact]
    public void FromClientCertificate_cnInAMultiValuedRdn_isClaimed()
    {
        var name = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (name.PushSequence())
        using (name.PushSetOf())
        {
            foreach (var (oid, value) in new[] { ("2.5.4.11", "x"), ("2.5.4.3", "dev2.test") })
            {
                using (name.PushSequence())
                {
                    name.WriteObjectIdentifier(oid);
                    name.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, value);
                }
            }
        }

        using var certificate = Certificate(new X500DistinguishedName(name.Encode()));

        Assert.Equal("dev2.test", RequesterClaims.FromClientCertificate(certificate)[RequesterClaims.ClientCertificateCommonName]);
    }

    [Fact]
    public void FromClientCertificate_noCn_claimsNothing()
    {
        using var certificate = Certificate(new X500DistinguishedName("O=Acme"));

        var requester = new Requester(AuthenticationMethods.ClientCertificate, certificate.Subject, RequesterClaims.FromClientCertificate(certificate));

        Assert.Null(requester.Claim(RequesterClaims.ClientCertificateCommonName));
        Assert.Null(requester.Claim(RequesterClaims.ClientCertificateSerialNumber));
    }
}
