using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Gateway.Server.Tests;

/// <summary>
/// Every certificate the CA signs is in the store (architecture rule 5): the HTTPS server certificate presented on the
/// wire and the OCSP responder's certificate are listed by the admin API under protocol <c>gateway</c>, and OCSP knows
/// the responder's own certificate (good, not unknown).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCertificatesTests(GatewayFixture gateway)
{
    private async Task<List<JsonElement>> GatewayCertificatesAsync()
    {
        using var client = gateway.Client();
        var page = JsonDocument.Parse(await client.GetStringAsync("/api/v1/certificates?protocol=gateway&pageSize=200")).RootElement;
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private async Task<X509Certificate2> PresentedServerCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.HttpsAddress.Host, gateway.HttpsAddress.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    [Fact]
    public async Task List_certificates_includes_the_https_server_certificate_presented_on_the_wire()
    {
        var presented = await PresentedServerCertificateAsync();

        var listed = await GatewayCertificatesAsync();

        var entry = Assert.Single(listed, c => c.GetProperty("serial").GetString() == presented.SerialNumber.ToLowerInvariant());
        Assert.Equal("gateway:tls-server", entry.GetProperty("profile").GetString());
        Assert.Equal("valid", entry.GetProperty("status").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task List_certificates_includes_the_ocsp_responder_certificate_and_ocsp_answers_good_for_it()
    {
        using var client = gateway.Client();
        var responder = Assert.Single(await GatewayCertificatesAsync(), c => c.GetProperty("profile").GetString() == "gateway:ocsp-responder");
        var serial = responder.GetProperty("serial").GetString()!;
        var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        var certificate = X509Certificate2.CreateFromPem(detail.GetProperty("certificate").GetString());
        var issuer = X509Certificate2.CreateFromPem((await client.GetStringAsync("/ca/chain.pem")).Split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----");

        var request = new Org.BouncyCastle.Ocsp.OcspReqGenerator();
        request.AddRequest(new Org.BouncyCastle.Ocsp.CertificateID(Org.BouncyCastle.Ocsp.CertificateID.DigestSha1,
            new Org.BouncyCastle.X509.X509Certificate(issuer.RawData), new Org.BouncyCastle.Math.BigInteger(1, certificate.SerialNumberBytes.ToArray())));
        using var content = new ByteArrayContent(request.Generate().GetEncoded());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/ocsp-request");
        var answer = await (await client.PostAsync("/ocsp", content)).Content.ReadAsByteArrayAsync();

        var basic = (Org.BouncyCastle.Ocsp.BasicOcspResp)new Org.BouncyCastle.Ocsp.OcspResp(answer).GetResponseObject();
        Assert.Null(Assert.Single(basic.Responses).GetCertStatus()); // null is "good" in BouncyCastle
    }
}
