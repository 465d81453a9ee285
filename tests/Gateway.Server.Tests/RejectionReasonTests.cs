using System.Net;
using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Contracts.Grains;
using static Gateway.Server.Tests.AdminApi;

namespace Gateway.Server.Tests;

/// <summary>
/// The enrollment grain names what is wrong with a request precisely (bad algorithm, bad proof of possession, bad
/// template) and the admin API answers each with its own problem type.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RejectionReasonTests(GatewayFixture gateway)
{
    private static string CsrFile(string name) =>
        PemEncoding.WriteString("CERTIFICATE REQUEST", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "csrs", name)));

    [Theory]
    [InlineData("csr-rsa2048-sha1.der")]
    [InlineData("csr-ed25519.der")]
    public async Task Enroll_csr_signed_with_an_algorithm_the_gateway_cannot_verify_is_400_bad_algorithm(string file)
    {
        using var client = gateway.Client();
        var refused = await client.EnrollAsync("iot-device", CsrFile(file), HttpStatusCode.BadRequest);
        Assert.Equal("https://gateway.example/problems/bad-algorithm", refused.GetProperty("type").GetString());
        Assert.Equal("bad-algorithm", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Enroll_csr_whose_signature_does_not_verify_is_400_bad_signature()
    {
        using var client = gateway.Client();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = CsrDer(key, $"sig-{NewId()}.test");
        der[^3] ^= 0x01; // inside the signature's last INTEGER: still DER, no longer a valid signature
        var refused = await client.EnrollAsync("iot-device", PemEncoding.WriteString("CERTIFICATE REQUEST", der), HttpStatusCode.BadRequest);
        Assert.Equal("bad-signature", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Enroll_template_whose_subject_is_not_a_name_is_bad_cert_template()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var template = new RequestedTemplate(key.ExportSubjectPublicKeyInfo(), [0x04, 0x01, 0x00], [], []);
        var outcome = await EnrollTemplateAsync(template);
        Assert.Equal(RejectionReason.BadCertTemplate, Assert.IsType<RejectedOutcome>(outcome).Reason);
    }

    [Fact]
    public async Task Enroll_template_whose_public_key_is_malformed_is_bad_cert_template()
    {
        var template = new RequestedTemplate([0x30, 0x03, 0x02, 0x01, 0x00], [0x30, 0x00], [], []);
        var outcome = await EnrollTemplateAsync(template);
        Assert.Equal(RejectionReason.BadCertTemplate, Assert.IsType<RejectedOutcome>(outcome).Reason);
    }

    [Fact]
    public async Task Enroll_well_formed_template_is_issued()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = $"tpl-{NewId()}.test";
        var template = new RequestedTemplate(key.ExportSubjectPublicKeyInfo(), new System.Security.Cryptography.X509Certificates.X500DistinguishedName("CN=" + cn).RawData,
            [SubjectAltName.Dns(cn)], []);
        Assert.IsType<IssuedOutcome>(await EnrollTemplateAsync(template));
    }

    private Task<EnrollmentOutcome> EnrollTemplateAsync(RequestedTemplate template)
    {
        var request = new EnrollmentRequest(EnrollmentProtocol.Admin, "iot-device", new Requester("api-key", "bootstrap"), NewId(), null, template);
        return gateway.Grains().GetGrain<IEnrollmentGrain>(request.EnrollmentKey).EnrollAsync(request);
    }
}
