using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Contracts.Acme;
using Gateway.Protocols.Acme.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme.Tests;

/// <summary>
/// Server-side challenge validation against small servers the tests start on 127.0.0.1 (IP identifiers, RFC 8738, so no
/// DNS is needed): http-01 with redirects and wrong answers, tls-alpn-01 with the acme-tls/1 certificate and its faults.
/// </summary>
public sealed class ChallengeValidatorTests
{
    private const string Token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private const string KeyAuthorization = Token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    private static ChallengeValidator Validator(int httpPort = 80, int tlsPort = 443) =>
        new(Options.Create(new AcmeOptions { HttpChallengePort = httpPort, TlsAlpnChallengePort = tlsPort, ValidationTimeout = TimeSpan.FromSeconds(15) }),
            NullLogger<ChallengeValidator>.Instance);

    private static ChallengeRequest Http(string keyAuthorization = KeyAuthorization) => new("http-01", "ip", "127.0.0.1", Token, keyAuthorization);

    /// <summary>A web server on a free loopback port answering <paramref name="handle"/>.</summary>
    private static async Task<(WebApplication App, int Port)> ServeAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address).Port);
    }

    [Fact]
    public async Task Http01_valid_when_the_token_url_serves_the_key_authorization_also_after_a_redirect()
    {
        var (app, port) = await ServeAsync(async context =>
        {
            if (context.Request.Path == $"/.well-known/acme-challenge/{Token}")
            {
                Assert.Equal($"127.0.0.1:{context.Request.Host.Port}", context.Request.Host.Value);
                context.Response.Redirect($"/moved/{Token}");
                return;
            }
            await context.Response.WriteAsync(KeyAuthorization + "\n");
        });
        await using var _ = app;

        var result = await Validator(port).ValidateAsync(Http());

        Assert.True(result.Valid, result.Detail);
        Assert.Contains($"127.0.0.1:{port}", result.AddressesUsed);
    }

    [Fact]
    public async Task Http01_wrong_answer_is_incorrectResponse_and_wrong_status_unauthorized()
    {
        var (app, port) = await ServeAsync(async context =>
        {
            if (context.Request.Path.Value!.EndsWith("missing", StringComparison.Ordinal)) context.Response.StatusCode = 404;
            else await context.Response.WriteAsync("something else");
        });
        await using var _ = app;

        var wrong = await Validator(port).ValidateAsync(Http());
        var missing = await Validator(port).ValidateAsync(new ChallengeRequest("http-01", "ip", "127.0.0.1", "missing", "missing.x"));

        Assert.Equal("incorrectResponse", wrong.ProblemType);
        Assert.Equal("unauthorized", missing.ProblemType);
        Assert.Contains("404", missing.Detail);
    }

    [Fact]
    public async Task Http01_redirect_off_the_allowed_ports_and_a_closed_port_are_connection_problems()
    {
        var (app, port) = await ServeAsync(context =>
        {
            context.Response.Redirect("http://127.0.0.1:1/elsewhere");
            return Task.CompletedTask;
        });
        await using var _ = app;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var redirected = await Validator(port).ValidateAsync(Http());
        var refused = await Validator(closed).ValidateAsync(Http());

        Assert.Equal("connection", redirected.ProblemType);
        Assert.Contains("allowed ports", redirected.Detail);
        Assert.Equal("connection", refused.ProblemType);
        Assert.Equal(3, refused.AddressesUsed.Count); // tried three times
    }

    [Fact]
    public async Task Dns01_for_an_ip_identifier_is_refused()
    {
        var result = await Validator().ValidateAsync(new ChallengeRequest("dns-01", "ip", "127.0.0.1", Token, KeyAuthorization));

        Assert.False(result.Valid);
        Assert.Equal("malformed", result.ProblemType);
    }

    /// <summary>A tls-alpn-01 responder on a free loopback port presenting <paramref name="certificate"/> with the given ALPN.</summary>
    private static (TcpListener Listener, Task Served) ServeTls(X509Certificate2 certificate, string alpn)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var served = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(client.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ApplicationProtocols = [new SslApplicationProtocol(alpn)],
                });
                _ = await tls.ReadAsync(new byte[1]); // until the validator closes
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
            }
        });
        return (listener, served);
    }

    private static X509Certificate2 AlpnCertificate(string keyAuthorization, bool critical = true, bool extraSan = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=acme-tls-alpn", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        if (extraSan) san.AddDnsName("other.test");
        request.CertificateExtensions.Add(san.Build());
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization)));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.5.5.7.1.31", writer.Encode(), critical));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task TlsAlpn01_valid_with_the_acme_tls_certificate_and_refused_with_the_wrong_hash_or_protocol()
    {
        var request = new ChallengeRequest("tls-alpn-01", "ip", "127.0.0.1", Token, KeyAuthorization);

        var (good, goodServed) = ServeTls(AlpnCertificate(KeyAuthorization), "acme-tls/1");
        var valid = await Validator(tlsPort: ((IPEndPoint)good.LocalEndpoint).Port).ValidateAsync(request);
        good.Stop();
        await goodServed;

        var (wrong, wrongServed) = ServeTls(AlpnCertificate("other.key-authorization"), "acme-tls/1");
        var wrongHash = await Validator(tlsPort: ((IPEndPoint)wrong.LocalEndpoint).Port).ValidateAsync(request);
        wrong.Stop();
        await wrongServed;

        var (http2, http2Served) = ServeTls(AlpnCertificate(KeyAuthorization), "h2");
        var wrongProtocol = await Validator(tlsPort: ((IPEndPoint)http2.LocalEndpoint).Port).ValidateAsync(request);
        http2.Stop();
        await http2Served;

        Assert.True(valid.Valid, valid.Detail);
        Assert.Equal("unauthorized", wrongHash.ProblemType);
        Assert.False(wrongProtocol.Valid);
    }

    [Fact]
    public void TlsAlpn01_certificate_needs_exactly_one_san_and_a_critical_acme_identifier()
    {
        var request = new ChallengeRequest("tls-alpn-01", "ip", "127.0.0.1", Token, KeyAuthorization);

        Assert.Null(ChallengeValidator.CheckAlpnCertificate(AlpnCertificate(KeyAuthorization), request));
        Assert.Contains("exactly", ChallengeValidator.CheckAlpnCertificate(AlpnCertificate(KeyAuthorization, extraSan: true), request));
        Assert.Contains("critical", ChallengeValidator.CheckAlpnCertificate(AlpnCertificate(KeyAuthorization, critical: false), request));
        Assert.Equal("1.0.0.127.in-addr.arpa", ChallengeValidator.ReverseName(IPAddress.Loopback));
    }

    [Fact]
    public void A_dns_resolver_option_that_is_not_an_address_with_a_port_is_refused_naming_it()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ChallengeValidator.ParseEndpoint("dns.example"));

        Assert.Contains("Gateway:Acme:DnsResolver", ex.Message);
    }
}
