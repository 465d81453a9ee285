using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Interop.Tests;

/// <summary>
/// Issue 12 item 9: what embedded EST clients need on the wire. Each EST operation over a raw HTTP/1.1 exchange
/// (TcpClient + SslStream, no HttpClient in between) answers with Content-Length and never chunked; serverkeygen
/// returns a key of the CSR's type; a certificate with e-mail and URI SANs re-enrolls.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class EstWireInteropTests(InteropFixture fx)
{
    private string Est(string op, string? label = null) => $"{fx.Gateway.HttpsUrl}/.well-known/est/{(label is null ? "" : label + "/")}{op}";

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, byte[] Body);

    /// <summary>One request on a fresh TLS connection, written and read byte by byte as HTTP/1.1 with Connection: close.</summary>
    private async Task<RawResponse> RawAsync(string method, string path, byte[]? body, X509Certificate2? clientCertificate)
    {
        var uri = new Uri(fx.Gateway.HttpsUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        var root = X509CertificateLoader.LoadCertificateFromFile(fx.RootPem);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = uri.Host,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { root },
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        });
        var head = new StringBuilder()
            .Append($"{method} {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n");
        if (body is not null) head.Append($"Content-Type: application/pkcs10\r\nContent-Length: {body.Length}\r\n");
        head.Append("\r\n");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (body is not null) await tls.WriteAsync(body);
        await tls.FlushAsync();

        using var all = new MemoryStream();
        await tls.CopyToAsync(all);
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "no end of headers in: " + Encoding.ASCII.GetString(bytes));
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return new RawResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, bytes[(end + 4)..]);
    }

    private static void AssertFramed(RawResponse response, string what)
    {
        Assert.False(response.Headers.ContainsKey("Transfer-Encoding"), $"{what}: Transfer-Encoding: {response.Headers.GetValueOrDefault("Transfer-Encoding")}");
        Assert.True(response.Headers.TryGetValue("Content-Length", out var length), $"{what} ({response.Status}): no Content-Length");
        Assert.Equal(response.Body.Length, int.Parse(length!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string NewCsr(string dir, string name, string subject, string? san, string keyType = "ec")
    {
        var der = Path.Combine(dir, name + ".csr.der");
        string[] key = keyType == "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"];
        string[] ext = san is null ? [] : ["-addext", "subjectAltName=" + san];
        Tools.Ok(dir, "openssl", ["req", "-new", .. key, "-nodes", "-subj", subject, .. ext, "-keyout", Path.Combine(dir, name + ".key"), "-outform", "DER", "-out", der]);
        return der;
    }

    private static byte[] Base64Body(string derFile) => Encoding.ASCII.GetBytes(Convert.ToBase64String(File.ReadAllBytes(derFile), Base64FormattingOptions.InsertLineBreaks));

    [Fact]
    public async Task EveryEstOperation_rawHttp11_hasContentLengthAndIsNotChunked()
    {
        var dir = fx.NewWorkDir("wire");
        var (idevidPem, idevidKey) = fx.ManufacturerDevice(dir, "wire-1.devices.test");
        using var idevid = X509Certificate2.CreateFromPemFile(idevidPem, idevidKey);
        var csr = NewCsr(dir, "dev", "/CN=wire-1.devices.test", "DNS:wire-1.devices.test");

        var cacerts = await RawAsync("GET", "/.well-known/est/cacerts", null, null);
        var csrattrs = await RawAsync("GET", "/.well-known/est/csrattrs", null, null);
        var enroll = await RawAsync("POST", "/.well-known/est/simpleenroll", Base64Body(csr), idevid);
        var keygen = await RawAsync("POST", "/.well-known/est/serverkeygen", Base64Body(csr), idevid);
        var unauthenticated = await RawAsync("POST", "/.well-known/est/simpleenroll", Base64Body(csr), null);
        var unknownLabel = await RawAsync("GET", "/.well-known/est/no-such-label/cacerts", null, null);

        Assert.Equal(200, enroll.Status);
        AssertFramed(enroll, "simpleenroll");
        var issuedB64 = Path.Combine(dir, "issued.b64");
        await File.WriteAllBytesAsync(issuedB64, enroll.Body);
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", issuedB64, "-out", "issued.p7");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "issued.p7", "-print_certs", "-out", "issued.pem");
        using var issued = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "issued.pem"), Path.Combine(dir, "dev.key"));
        var csr2 = NewCsr(dir, "dev2", "/CN=wire-1.devices.test", "DNS:wire-1.devices.test");
        var reenroll = await RawAsync("POST", "/.well-known/est/simplereenroll", Base64Body(csr2), issued);

        Assert.Equal(200, cacerts.Status);
        Assert.Equal(200, csrattrs.Status);
        Assert.Equal(200, keygen.Status);
        Assert.Equal(401, unauthenticated.Status);
        Assert.Equal(404, unknownLabel.Status);
        Assert.True(reenroll.Status == 200, $"{reenroll.Status}: {Encoding.UTF8.GetString(reenroll.Body)}");
        AssertFramed(cacerts, "cacerts");
        AssertFramed(csrattrs, "csrattrs");
        AssertFramed(reenroll, "simplereenroll");
        AssertFramed(keygen, "serverkeygen");
        AssertFramed(unauthenticated, "401");
        AssertFramed(unknownLabel, "404");
    }

    [Fact]
    public void Serverkeygen_withAnRsaCsr_returnsAnRsaKeyMatchingTheCertificate()
    {
        var dir = fx.NewWorkDir("keygen-rsa");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "rsa-1.devices.test");
        var csr = NewCsr(dir, "dev", "/CN=rsa-1.devices.test", "DNS:rsa-1.devices.test", keyType: "rsa");
        File.WriteAllBytes(Path.Combine(dir, "csr.b64"), Base64Body(csr));

        var status = Tools.Curl(dir, "multipart.txt", "--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@csr.b64", "-D", "headers.txt", Est("serverkeygen"));

        var body = File.ReadAllText(Path.Combine(dir, "multipart.txt"));
        Assert.True(status == 200, $"{status}: {body}");
        var boundary = File.ReadAllText(Path.Combine(dir, "headers.txt")).Split('\n')
            .First(l => l.StartsWith("Content-Type: multipart/mixed", StringComparison.OrdinalIgnoreCase)).Split("boundary=")[1].Trim().Trim('"');
        var parts = body.Split("--" + boundary).Select(p => p.Trim()).Where(p => p.Length > 0 && p != "--").ToList();
        static string PartBody(string part) => part[(part.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        File.WriteAllText(Path.Combine(dir, "key.b64"), PartBody(parts[0]));
        File.WriteAllText(Path.Combine(dir, "cert.b64"), PartBody(parts[1]));
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "key.b64", "-out", "key.der");
        Tools.Ok(dir, "openssl", "pkey", "-inform", "DER", "-in", "key.der", "-out", "key.pem");
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "cert.b64", "-out", "cert.p7");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cert.p7", "-print_certs", "-out", "cert.pem");
        var keyText = Tools.Ok(dir, "openssl", "pkey", "-in", "key.pem", "-noout", "-text");
        Assert.Contains("Private-Key: (2048 bit", keyText);
        Assert.Contains("modulus", keyText);
        var keyPub = Tools.Ok(dir, "openssl", "pkey", "-in", "key.pem", "-pubout");
        var certPub = Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-pubkey");
        Assert.Equal(keyPub.Trim(), certPub.Trim());
    }

    [Fact]
    public void Simplereenroll_certificateWithEmailAndUriSans_reenrolls()
    {
        var dir = fx.NewWorkDir("reenroll-email");
        var (idevid, idevidKey) = fx.ManufacturerDevice(dir, "mail-1.devices.test");
        const string Sans = "DNS:mail-1.devices.test,email:ops@mail-1.devices.test,URI:urn:dev:mail-1";
        File.WriteAllBytes(Path.Combine(dir, "csr.b64"), Base64Body(NewCsr(dir, "dev", "/CN=mail-1.devices.test", Sans)));
        var status = Tools.Curl(dir, "cert.b64", "--cacert", fx.RootPem, "--cert", idevid, "--key", idevidKey,
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@csr.b64", Est("simpleenroll"));
        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(dir, "cert.b64"))}");
        Tools.Ok(dir, "openssl", "base64", "-d", "-in", "cert.b64", "-out", "cert.p7");
        Tools.Ok(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "cert.p7", "-print_certs", "-out", "cert.pem");
        Assert.Contains("ops@mail-1.devices.test", Tools.Ok(dir, "openssl", "x509", "-in", "cert.pem", "-noout", "-ext", "subjectAltName"));

        File.WriteAllBytes(Path.Combine(dir, "csr2.b64"), Base64Body(NewCsr(dir, "dev2", "/CN=mail-1.devices.test", Sans)));
        status = Tools.Curl(dir, "cert2.b64", "--cacert", fx.RootPem, "--cert", "cert.pem", "--key", "dev.key",
            "-H", "Content-Type: application/pkcs10", "--data-binary", "@csr2.b64", Est("simplereenroll"));

        Assert.True(status == 200, $"{status}: {File.ReadAllText(Path.Combine(dir, "cert2.b64"))}");
    }
}
