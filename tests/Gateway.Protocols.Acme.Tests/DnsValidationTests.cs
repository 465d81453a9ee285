using System.Security.Cryptography;
using System.Text;
using Gateway.Contracts.Acme;
using Gateway.Protocols.Acme.Validation;
using Gateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme.Tests;

/// <summary>
/// Validation of dns identifiers through a real DNS server: Debian's pebble-challtestsrv as <c>Gateway:Acme:DnsResolver</c>
/// (every A query answers 127.0.0.1; TXT records set through its management API). dns-01 looks up the TXT record, http-01
/// resolves the name before connecting.
/// </summary>
public sealed class DnsValidationTests : IDisposable
{
    private const string Token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    private readonly ChallengeTestServer _dns = ChallengeTestServer.Start();

    private ChallengeValidator Validator(int httpPort = 80) =>
        new(Options.Create(new AcmeOptions { DnsResolver = $"127.0.0.1:{_dns.DnsPort}", HttpChallengePort = httpPort, ValidationTimeout = TimeSpan.FromSeconds(15) }),
            NullLogger<ChallengeValidator>.Instance);

    private static string KeyAuthorization(string thumbprint = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI") => Token + "." + thumbprint;

    private static string TxtValue(string keyAuthorization) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization)));

    [Fact]
    public async Task Dns01_valid_when_the_txt_record_holds_the_key_authorization_digest()
    {
        await _dns.SetTxtAsync("_acme-challenge.dns1.test", TxtValue(KeyAuthorization()));

        var result = await Validator().ValidateAsync(new ChallengeRequest("dns-01", "dns", "dns1.test", Token, KeyAuthorization()));

        Assert.True(result.Valid, result.Detail);
    }

    [Fact]
    public async Task Dns01_for_a_wildcard_looks_up_the_base_name()
    {
        await _dns.SetTxtAsync("_acme-challenge.wild.test", TxtValue(KeyAuthorization()));

        var result = await Validator().ValidateAsync(new ChallengeRequest("dns-01", "dns", "wild.test", Token, KeyAuthorization()));

        Assert.True(result.Valid, result.Detail);
    }

    [Fact]
    public async Task Dns01_without_the_record_or_with_another_value_is_unauthorized()
    {
        await _dns.SetTxtAsync("_acme-challenge.dns2.test", TxtValue(KeyAuthorization("another-account-thumbprint")));

        var other = await Validator().ValidateAsync(new ChallengeRequest("dns-01", "dns", "dns2.test", Token, KeyAuthorization()));
        var missing = await Validator().ValidateAsync(new ChallengeRequest("dns-01", "dns", "dns3.test", Token, KeyAuthorization()));

        Assert.False(other.Valid);
        Assert.Equal("unauthorized", other.ProblemType);
        Assert.False(missing.Valid);
        Assert.Equal("unauthorized", missing.ProblemType);
    }

    [Fact]
    public async Task Http01_for_a_dns_name_connects_to_the_address_the_resolver_gives()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = ChallengeTestServer.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        string? host = null;
        app.Run(async context =>
        {
            host = context.Request.Host.Value;
            await context.Response.WriteAsync(KeyAuthorization());
        });
        await app.StartAsync();

        var result = await Validator(port).ValidateAsync(new ChallengeRequest("http-01", "dns", "web1.test", Token, KeyAuthorization()));

        Assert.True(result.Valid, result.Detail);
        Assert.Equal($"web1.test:{port}", host);
        Assert.Contains($"127.0.0.1:{port}", result.AddressesUsed);
    }

    public void Dispose() => _dns.Dispose();
}
