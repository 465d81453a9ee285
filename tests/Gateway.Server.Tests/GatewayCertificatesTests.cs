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
        var issuerPem = (await client.GetStringAsync("/ca/chain.pem")).Split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----";
        var issuer = new Org.BouncyCastle.X509.X509Certificate(X509Certificate2.CreateFromPem(issuerPem).RawData);

        // The responder signs with its current certificate and sends it along: ask about anything, then about that one.
        var responder = (await AskAsync(client, issuer, Org.BouncyCastle.Math.BigInteger.One)).GetCerts().First();
        var serial = Convert.ToHexStringLower(responder.SerialNumber.ToByteArrayUnsigned());
        var listed = Assert.Single(await GatewayCertificatesAsync(), c => c.GetProperty("serial").GetString() == serial);
        Assert.Equal("gateway:ocsp-responder", listed.GetProperty("profile").GetString());

        var basic = await AskAsync(client, issuer, responder.SerialNumber);

        Assert.Null(Assert.Single(basic.Responses).GetCertStatus()); // null is "good" in BouncyCastle
    }

    private static async Task<Org.BouncyCastle.Ocsp.BasicOcspResp> AskAsync(HttpClient client, Org.BouncyCastle.X509.X509Certificate issuer, Org.BouncyCastle.Math.BigInteger serial)
    {
        var request = new Org.BouncyCastle.Ocsp.OcspReqGenerator();
        request.AddRequest(new Org.BouncyCastle.Ocsp.CertificateID(Org.BouncyCastle.Ocsp.CertificateID.DigestSha1, issuer, serial));
        using var content = new ByteArrayContent(request.Generate().GetEncoded());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/ocsp-request");
        var answer = await (await client.PostAsync("/ocsp", content)).Content.ReadAsByteArrayAsync();
        return (Org.BouncyCastle.Ocsp.BasicOcspResp)new Org.BouncyCastle.Ocsp.OcspResp(answer).GetResponseObject();
    }
}
