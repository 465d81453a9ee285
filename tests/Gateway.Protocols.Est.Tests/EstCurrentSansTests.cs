using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Est.Tests;

/// <summary>simplereenroll compares every kind of subjectAltName the current certificate carries, as a CSR's are read.</summary>
public sealed class EstCurrentSansTests
{
    [Fact]
    public void CurrentSans_emailUriDnsAndIp_allReadAsTheCsrReaderWritesThem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mail-1.devices.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("Mail-1.Devices.Test");
        san.AddEmailAddress("ops@mail-1.devices.test");
        san.AddUri(new Uri("urn:dev:mail-1"));
        san.AddIpAddress(System.Net.IPAddress.Parse("10.0.0.1"));
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var sans = EstEndpoints.CurrentSans(certificate);

        Assert.Equal(["DNS:mail-1.devices.test", "EMAIL:ops@mail-1.devices.test", "IP:10.0.0.1", "URI:urn:dev:mail-1"], sans);
    }
}
