using System.Net.Http.Headers;
using System.Text.Json;

namespace Gateway.Interop.Tests;

/// <summary>The gateway's own certificates are in its store: OpenSSL's OCSP client gets <c>good</c> for the OCSP responder's own certificate.</summary>
[Collection(InteropCollection.Name)]
public sealed class GatewayCertificatesInteropTests(InteropFixture fx)
{
    [Fact]
    public async Task Openssl_ocsp_answers_good_for_the_responders_own_certificate()
    {
        var dir = fx.NewWorkDir("own-ocsp");
        using var http = new HttpClient { BaseAddress = new Uri(fx.Gateway.HttpUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", InteropFixture.AdminKey);
        // Any OCSP request makes the responder certificate exist; ask once about the root's child to be sure.
        Tools.Run(dir, "openssl", "ocsp", "-issuer", fx.RootPem, "-serial", "0x01", "-url", fx.Gateway.HttpUrl + "/ocsp", "-noverify");
        var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/certificates?profile=gateway:ocsp-responder")).RootElement;
        var serial = list.GetProperty("items")[0].GetProperty("serial").GetString()!;
        var detail = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        File.WriteAllText(Path.Combine(dir, "responder.pem"), detail.GetProperty("certificate").GetString());
        File.WriteAllText(Path.Combine(dir, "issuing.pem"), await new HttpClient().GetStringAsync(fx.Gateway.HttpUrl + "/ca/chain.pem"));

        var answer = Tools.Ok(dir, "openssl", "ocsp", "-issuer", "issuing.pem", "-cert", "responder.pem", "-url", fx.Gateway.HttpUrl + "/ocsp",
            "-CAfile", fx.RootPem);

        Assert.Contains("responder.pem: good", answer);
    }
}
