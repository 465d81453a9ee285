using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;

namespace Gateway.Server.Tests;

/// <summary>
/// Issue 13 item 5 and its Low items through the real host: the shipped iot-device profile binds the CN to the caller
/// (client certificate CN, credential subject), and names the CA cannot or must not carry are a 400 with a recorded
/// enrollment, never a 500. CSRs are committed under testdata/csr (see its README).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CallerBoundNamesTests(GatewayFixture gateway)
{
    private const string Profile = "iot-device";

    private static byte[] Csr(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", "csr", file));

    private static string CsrPem(string file) => PemEncoding.WriteString("CERTIFICATE REQUEST", Csr(file));

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The requester EST hands over for a TLS client certificate with this CN (what EstAuthenticator fills).</summary>
    private static Requester DeviceCertificate(string cn)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest($"CN={cn}, O=Acme Devices", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return new Requester(AuthenticationMethods.ManufacturerCertificate, certificate.Subject, RequesterClaims.FromClientCertificate(certificate));
    }

    private Task<EnrollmentOutcome> EnrollAsync(Requester requester, string csrFile)
    {
        var transaction = NewId();
        return gateway.Grains().GetGrain<IEnrollmentGrain>(EnrollmentKeys.For(EnrollmentProtocol.Est, transaction))
            .EnrollAsync(new EnrollmentRequest(EnrollmentProtocol.Est, Profile, requester, transaction, Csr(csrFile)));
    }

    private async Task<Requester> CredentialAsync(params string[] subjects)
    {
        var result = await gateway.Grains().GetGrain<ICredentialDirectoryGrain>(0).CreateAsync(new CredentialSpec(Profile, null, null, subjects), "test");
        Assert.True(result.Status == CredentialCreateStatus.Created, result.Message);
        return new Requester(AuthenticationMethods.HttpBasic, result.Created!.Credential.Id);
    }

    private static void AssertBoundDenial(EnrollmentOutcome outcome)
    {
        var rejected = Assert.IsType<RejectedOutcome>(outcome);
        Assert.Equal(RejectionReason.BadName, rejected.Reason);
        Assert.Contains(rejected.FiredRules, r => r.Rule == "subject.bindCommonName" && r.Effect == DecisionEffect.Deny);
    }

    [Fact]
    public async Task EnrollAsync_deviceCertificateDev1AskingForDev2UnderIotDevice_isDenied()
    {
        AssertBoundDenial(await EnrollAsync(DeviceCertificate("dev1.test"), "cn-dev2.der"));
    }

    [Fact]
    public async Task EnrollAsync_deviceCertificateDev1AskingForDev1UnderIotDevice_isIssued()
    {
        Assert.IsType<IssuedOutcome>(await EnrollAsync(DeviceCertificate("dev1.test"), "cn-dev1.der"));
    }

    [Fact]
    public async Task EnrollAsync_credentialBoundToDev1AskingForDev2UnderIotDevice_isDenied()
    {
        AssertBoundDenial(await EnrollAsync(await CredentialAsync("dev1.test"), "cn-dev2.der"));
    }

    [Fact]
    public async Task EnrollAsync_credentialBoundToDev1AskingForDev1UnderIotDevice_isIssued()
    {
        Assert.IsType<IssuedOutcome>(await EnrollAsync(await CredentialAsync("dev1.test"), "cn-dev1.der"));
    }

    [Fact]
    public async Task EnrollAsync_credentialBindingNoSubjectUnderIotDevice_isDenied()
    {
        AssertBoundDenial(await EnrollAsync(await CredentialAsync(), "cn-dev1.der"));
    }

    [Theory]
    [InlineData("cn-with-c0-control.der", "subject.controlCharacters")]
    [InlineData("cn-with-del.der", "subject.controlCharacters")]
    [InlineData("cn-with-c1-control.der", "subject.controlCharacters")]
    [InlineData("san-dns-with-newline.der", "san.controlCharacters")]
    [InlineData("san-email-with-control.der", "san.controlCharacters")]
    [InlineData("san-uri-with-control.der", "san.controlCharacters")]
    [InlineData("san-email-two-at.der", "san.email")]
    [InlineData("san-uri-not-a-uri.der", "san.uri")]
    public async Task Post_enrollment_withANameTheCaCannotCarry_is400WithARecordedRejection(string file, string rule)
    {
        using var client = gateway.Client();

        var problem = await client.EnrollAsync(Profile, CsrPem(file), HttpStatusCode.BadRequest);

        Assert.Contains(AdminApi.RuleNames(problem.GetProperty("firedRules")), r => r == rule);
        var enrollmentId = problem.GetProperty("enrollmentId").GetString()!;
        var recorded = await client.GetJsonAsync($"/api/v1/enrollments/{AdminApi.Segment(enrollmentId)}");
        Assert.Equal("rejected", recorded.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_enrollment_dnsSanWithTrailingDot_isIssuedWithoutTheDot()
    {
        using var client = gateway.Client();

        var issued = await client.EnrollAsync(Profile, CsrPem("san-dns-trailing-dot.der"), HttpStatusCode.Created);

        using var certificate = X509Certificate2.CreateFromPem(issued.GetProperty("certificate").GetString());
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["dev1.test"], san.EnumerateDnsNames());
    }
}
