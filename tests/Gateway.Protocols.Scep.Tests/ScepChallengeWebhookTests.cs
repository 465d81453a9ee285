using System.Security.Cryptography;
using Gateway.Contracts;
using Gateway.Protocols.Scep;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>Challenge validation by a profile's webhook, against a small service on a loopback port started by the test.</summary>
public sealed class ScepChallengeWebhookTests : IAsyncLifetime
{
    private const string MdmChallenge = "7F3A9C1B2D4E5F60718293A4B5C6D7E8";

    private readonly FakePort _port = new();
    private readonly TestRa _ra = TestRa.Generate();
    private readonly TestScepClient _client = new();
    private readonly Gateway.Protocols.Common.CredentialFailureLimiter _failures = new(2, TimeSpan.FromMinutes(5));
    private TestWebhooks _hooks = null!;

    public async Task InitializeAsync() => _hooks = await TestWebhooks.StartAsync();

    public async Task DisposeAsync() => await _hooks.DisposeAsync();

    private ScepService Service(TimeSpan? timeout = null)
    {
        var options = new ScepOptions();
        options.ChallengeWebhooks["mdm-device"] = new ScepChallengeWebhookOptions { Url = _hooks.Url, Timeout = timeout ?? TimeSpan.FromSeconds(5), Authorization = "Bearer hook-token" };
        return new ScepService(_port, _ra, TestWebhooks.Client(options), _failures, Options.Create(options), NullLogger<ScepService>.Instance);
    }

    private byte[] PkcsReq(string transactionId = "tx-w1", string? challenge = MdmChallenge) =>
        _client.Message(ScepMessageType.PkcsReq, _client.Csr(challenge), _ra.EncryptionCertificate, transactionId, RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task HandleAsync_challenge_allowed_by_the_service_enrolls_with_a_hashed_principal()
    {
        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(), null);

        Assert.Equal("0", _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate).Status);
        var asked = Assert.Single(_hooks.Requests);
        Assert.Equal("mdm-device", asked.GetProperty("profile").GetString());
        Assert.Equal(MdmChallenge, asked.GetProperty("challenge").GetString());
        Assert.Equal("tx-w1", asked.GetProperty("transactionId").GetString());
        var csr = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequest(
            Convert.FromBase64String(asked.GetProperty("csr").GetString()!), HashAlgorithmName.SHA256);
        Assert.Equal(_client.SelfSigned.PublicKey.ExportSubjectPublicKeyInfo(), csr.PublicKey.ExportSubjectPublicKeyInfo());
        var enrollment = Assert.Single(_port.Enrollments);
        Assert.Equal(AuthenticationMethods.ChallengePassword, enrollment.Requester.AuthenticationMethod);
        Assert.StartsWith("webhook:", enrollment.Requester.Principal);
        Assert.DoesNotContain(MdmChallenge, enrollment.Requester.Principal);
    }

    [Fact]
    public async Task HandleAsync_challenge_refused_by_the_service_fails_with_badRequest()
    {
        _hooks.Answer = _ => (200, """{"allow": false, "reason": "challenge already used"}""");

        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(), null);

        Assert.Equal(("2", "2"), _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate) is var r ? (r.Status, r.FailInfo) : default);
        Assert.Empty(_port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_refused_challenges_count_against_the_address_and_stop_reaching_the_service()
    {
        _hooks.Answer = _ => (200, """{"allow": false, "reason": "unknown challenge"}""");
        var guesser = System.Net.IPAddress.Parse("203.0.113.5");

        await Service().HandleAsync(_port.Profile, PkcsReq("tx-w10"), guesser);
        await Service().HandleAsync(_port.Profile, PkcsReq("tx-w11"), guesser);
        var third = await Service().HandleAsync(_port.Profile, PkcsReq("tx-w12"), guesser);

        Assert.Equal(429, third.HttpStatus);
        Assert.Equal(2, _hooks.Requests.Count);
    }

    [Theory]
    [InlineData(500, """{"allow": true}""")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"allowed": true}""")]
    public async Task HandleAsync_service_answering_anything_but_an_allow_refuses(int status, string body)
    {
        _hooks.Answer = _ => (status, body);

        var reply = await Service().HandleAsync(_port.Profile, PkcsReq(), null);

        Assert.Equal("2", _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate).Status);
        Assert.Empty(_port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_service_slower_than_the_timeout_refuses()
    {
        _hooks.Delay = TimeSpan.FromSeconds(3);

        var reply = await Service(timeout: TimeSpan.FromMilliseconds(300)).HandleAsync(_port.Profile, PkcsReq(), null);

        Assert.Equal("2", _client.ReadCertRep(reply.CertRep!, _ra.SigningCertificate).Status);
        Assert.Empty(_port.Enrollments);
    }

    [Fact]
    public async Task HandleAsync_retransmission_of_a_decided_transaction_is_not_asked_again()
    {
        var service = Service();
        await service.HandleAsync(_port.Profile, PkcsReq("tx-w2"), null);
        _hooks.Answer = _ => (200, """{"allow": false, "reason": "challenge already used"}""");

        var again = await service.HandleAsync(_port.Profile, PkcsReq("tx-w2"), null);

        Assert.Single(_hooks.Requests);
        Assert.Equal(2, _port.Enrollments.Count);
        Assert.Equal(_port.Enrollments[0].Requester, _port.Enrollments[1].Requester);
        Assert.Equal("0", _client.ReadCertRep(again.CertRep!, _ra.SigningCertificate).Status);
    }

    [Fact]
    public void Options_with_a_plain_http_url_to_another_host_are_refused_naming_the_option()
    {
        var problem = ScepChallengeWebhookOptions.Problem("mdm-device", new ScepChallengeWebhookOptions { Url = "http://mdm.example.com/validate" });

        Assert.Contains("Gateway:Scep:ChallengeWebhooks:mdm-device:Url", problem);
    }
}
