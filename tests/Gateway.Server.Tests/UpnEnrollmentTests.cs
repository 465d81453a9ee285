using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Gateway.Server.Tests;

/// <summary>A Microsoft user principal name (what Intune and Windows put in device and user certificates) goes through the pipeline as a SAN the profile allows.</summary>
[Collection(GatewayCollection.Name)]
public sealed class UpnEnrollmentTests(GatewayFixture gateway)
{
    private static string Csr(string upn)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=LAPTOP-42, O=Example Corp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUserPrincipalName(upn);
        request.CertificateExtensions.Add(sans.Build());
        return request.CreateSigningRequestPem();
    }

    [Fact]
    public async Task Enroll_mdm_device_with_an_allowed_upn_issues_it_as_an_otherName()
    {
        using var client = gateway.Client();

        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "mdm-device", csr = Csr("jane.doe@corp.test") });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var certificate = X509Certificate2.CreateFromPem(JsonDocument.Parse(body).RootElement.GetProperty("certificate").GetString());
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(new Pkix.SubjectAltNameEntry(Pkix.SubjectAltNameKind.Upn, "jane.doe@corp.test"), Pkix.Csr.SubjectAltNameExtension.Read(san.RawData));
    }

    [Fact]
    public async Task Enroll_mdm_device_with_a_upn_outside_its_patterns_is_refused_naming_the_rule()
    {
        using var client = gateway.Client();

        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile = "mdm-device", csr = Csr("jane.doe@example.com") });

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("san.upn.allow", body);
    }
}
