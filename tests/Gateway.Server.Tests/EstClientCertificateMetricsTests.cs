using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Protocols.Common;
using Gateway.Protocols.Est;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Server.Tests;

/// <summary>EST over HTTPS on the real host: a refused client certificate is counted with its reason.</summary>
[Collection(GatewayCollection.Name)]
public sealed class EstClientCertificateMetricsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Simplereenroll_revoked_client_certificate_counts_a_revoked_refusal()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = $"cc-{AdminApi.NewId()}.test";
        using var admin = gateway.Client();
        var issued = await admin.EnrollAsync("iot-device", AdminApi.Csr(key, cn), HttpStatusCode.Created);
        var serial = issued.GetProperty("serial").GetString()!;
        using (var revoked = await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "keyCompromise" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        using var certificate = X509Certificate2.CreateFromPem(issued.GetProperty("certificate").GetString()).CopyWithPrivateKey(key);
        using var clientCertificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        using var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        handler.ClientCertificates.Add(clientCertificate);
        using var est = new HttpClient(handler) { BaseAddress = gateway.HttpsAddress };
        using var collector = new MetricCollector<long>(
            gateway.App.Services.GetRequiredService<IMeterFactory>(), ClientCertificateMetrics.MeterName, ClientCertificateMetrics.Refusals);

        using var body = new StringContent(Convert.ToBase64String(AdminApi.CsrDer(key, cn)));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkcs10");
        using var response = await est.PostAsync("/.well-known/est/iot-device/simplereenroll", body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["revoked"], collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToArray());
    }
}
