using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Contracts.Tests;

/// <summary>The fingerprint that tells a retry of a request from another request under the same transaction id.</summary>
public sealed class RequestFingerprintTests
{
    private static readonly Requester Alice = new("api-key", "alice");
    private static readonly byte[] Spki = P256Csr().AsSpan(4, 10).ToArray(); // any bytes: the fingerprint does not parse them

    /// <summary>A fresh P-256 CSR: different bytes on every call.</summary>
    private static byte[] P256Csr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=test.example.test", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static EnrollmentRequest Csr(byte[] der, Requester? requester = null, string transactionId = "t1") =>
        new(EnrollmentProtocol.Admin, "iot-device", requester ?? Alice, transactionId, der);

    private static EnrollmentRequest Template(params SubjectAltName[] sans) =>
        new(EnrollmentProtocol.Cmp, "iot-device", Alice, "t1", null,
            new RequestedTemplate(Spki, [0x30, 0x00], sans, [new ExtensionData("2.5.29.15", true, [0x03, 0x02, 0x07, 0x80])]));

    [Fact]
    public void Of_same_csr_and_requester_is_equal_whatever_the_transaction_id()
    {
        var der = P256Csr();
        Assert.Equal(RequestFingerprint.Of(Csr(der)), RequestFingerprint.Of(Csr([.. der], transactionId: "t2")));
        Assert.Equal(RequestFingerprint.Of(Csr(der)), RequestFingerprint.OfCsr(Alice, der));
        Assert.Matches("^[0-9a-f]{64}$", RequestFingerprint.Of(Csr(der)));
    }

    [Fact]
    public void Of_other_csr_or_other_requester_differs()
    {
        var der = P256Csr();
        Assert.NotEqual(RequestFingerprint.Of(Csr(der)), RequestFingerprint.Of(Csr(P256Csr())));
        Assert.NotEqual(RequestFingerprint.Of(Csr(der)), RequestFingerprint.Of(Csr(der, new Requester("api-key", "bob"))));
        // The requester's two parts are not run together: "x" + "y:z" is not "x:y" + "z".
        Assert.NotEqual(RequestFingerprint.Of(Csr(der, new Requester("x", "y:z"))), RequestFingerprint.Of(Csr(der, new Requester("x:y", "z"))));
    }

    [Fact]
    public void Of_same_template_is_equal_and_any_change_in_it_differs()
    {
        var one = RequestFingerprint.Of(Template(SubjectAltName.Dns("a.test")));
        Assert.Equal(one, RequestFingerprint.Of(Template(SubjectAltName.Dns("a.test"))));
        Assert.NotEqual(one, RequestFingerprint.Of(Template(SubjectAltName.Dns("b.test"))));
        Assert.NotEqual(one, RequestFingerprint.Of(Template(SubjectAltName.Dns("a.test"), SubjectAltName.Dns("b.test"))));
        Assert.NotEqual(RequestFingerprint.Of(Template(SubjectAltName.Dns("a.test"), SubjectAltName.Dns("b.test"))),
            RequestFingerprint.Of(Template(SubjectAltName.Dns("b.test"), SubjectAltName.Dns("a.test"))));
        var critical = Template(SubjectAltName.Dns("a.test"));
        var notCritical = critical with { Template = critical.Template! with { Extensions = [new ExtensionData("2.5.29.15", false, [0x03, 0x02, 0x07, 0x80])] } };
        Assert.NotEqual(one, RequestFingerprint.Of(notCritical));
    }

    [Fact]
    public void Of_template_and_csr_with_the_same_bytes_differ()
    {
        var template = Template();
        var csr = Csr(template.Template!.SubjectPublicKeyInfo);
        Assert.NotEqual(RequestFingerprint.Of(template), RequestFingerprint.Of(csr));
    }
}
