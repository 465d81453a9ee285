using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.TestSupport.Acme;

namespace Gateway.Server.Tests.Acme;

/// <summary>A gateway whose http-01 validation connects to a responder the tests run on loopback.</summary>
public sealed class AcmeGatewayFixture : GatewayFixture
{
    private readonly int _http01Port = FreePort();
    private Http01Responder? _responder;

    internal Http01Responder Responder => _responder ??= new Http01Responder(_http01Port);

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--Gateway:Acme:HttpChallengePort={_http01Port}",
        "--Gateway:Acme:ValidationTimeout=00:00:10",
        "--Gateway:Acme:OfferedProfiles:web-server:0=test-acme-quota",
        // No test here makes more than three orders with one account but the one about this limit.
        "--Gateway:Acme:NewOrdersPerAccount=3",
        "--Gateway:Acme:OfferedProfiles:web-server:1=iot-device", // not an ACME profile: never offered
    ];

    public override async Task DisposeAsync()
    {
        _responder?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AcmeGatewayCollection : ICollectionFixture<AcmeGatewayFixture>
{
    public const string Name = "acme-gateway";
}

/// <summary>
/// The ACME front-end over HTTP with a test client: the whole flow on an IP identifier (RFC 8738) validated by http-01,
/// and each client mistake answered with its RFC 8555 problem type.
/// </summary>
[Collection(AcmeGatewayCollection.Name)]
public sealed class AcmeEndpointTests(AcmeGatewayFixture gateway)
{
    private AcmeTestClient NewClient(string profile = "web-server") => new(gateway.BaseAddress, profile);

    private static string Csr(ECDsa key, params string[] ips)
    {
        var request = new CertificateRequest("", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var ip in ips) san.AddIpAddress(IPAddress.Parse(ip));
        request.CertificateExtensions.Add(san.Build());
        return Base64Url.EncodeToString(request.CreateSigningRequest());
    }

    private static string CsrDns(ECDsa key, params string[] names)
    {
        var request = new CertificateRequest("", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return Base64Url.EncodeToString(request.CreateSigningRequest());
    }

    private static object IpOrder(string ip) => new { identifiers = new[] { new { type = "ip", value = ip } } };

    /// <summary>A ready order for 127.0.0.1: http-01 answered by the fixture's responder.</summary>
    private async Task<(JsonNode Order, string OrderUrl)> ReadyOrderAsync(AcmeTestClient client, string? profile = null)
    {
        var created = await client.PostAsync(client.Base + "/new-order", profile is null ? IpOrder("127.0.0.1")
            : new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, profile });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var orderUrl = created.Location!;
        var authzUrl = created.Json!["authorizations"]![0]!.GetValue<string>();
        var authz = await client.PostAsync(authzUrl, null);
        var http01 = authz.Json!["challenges"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "http-01")!;
        var token = http01["token"]!.GetValue<string>();
        gateway.Responder.Answer(token, token + "." + client.Thumbprint());
        var started = await client.PostAsync(http01["url"]!.GetValue<string>(), new { });
        Assert.Equal(HttpStatusCode.OK, started.Status);
        Assert.Contains(started.Json!["status"]!.GetValue<string>(), new[] { "processing", "valid" });
        var valid = await client.PollAsync(authzUrl, a => a.Json?["status"]?.GetValue<string>() != "pending");
        Assert.True(valid.Json!["status"]!.GetValue<string>() == "valid", valid.ToString());
        var order = await client.PostAsync(orderUrl, null);
        Assert.Equal("ready", order.Json!["status"]!.GetValue<string>());
        return (order.Json, orderUrl);
    }

    [Fact]
    public async Task Directory_and_nonce_answer_as_rfc_8555_says()
    {
        using var http = gateway.Client(apiKey: null);
        var directory = JsonNode.Parse(await http.GetStringAsync("/acme/directory"))!;
        Assert.EndsWith("/acme/web-server/new-account", directory["newAccount"]!.GetValue<string>());
        Assert.False(directory["meta"]!["externalAccountRequired"]!.GetValue<bool>());
        Assert.NotNull(directory["meta"]!["profiles"]!["web-server"]);

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/acme/web-server/new-nonce"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Single(head.Headers.GetValues("Replay-Nonce"));
        Assert.Equal("no-store", head.Headers.CacheControl?.ToString());
        using var get = await http.GetAsync("/acme/web-server/new-nonce");
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);

        using var unknown = await http.GetAsync("/acme/no-such-profile/directory");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var notAcme = await http.GetAsync("/acme/mdm-device/directory");
        Assert.Equal(HttpStatusCode.NotFound, notAcme.StatusCode);
        using var getResource = await http.GetAsync("/acme/web-server/order/x");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, getResource.StatusCode);
        Assert.Equal("application/problem+json", getResource.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Whole_flow_issues_a_certificate_for_an_ip_identifier_and_the_account_revokes_it()
    {
        using var client = NewClient();
        var account = await client.NewAccountAsync(new { termsOfServiceAgreed = true, contact = new[] { "mailto:ops@example.test" } });
        Assert.Equal(HttpStatusCode.Created, account.Status);
        Assert.Equal("valid", account.Json!["status"]!.GetValue<string>());
        var again = await client.NewAccountAsync();
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(account.Location, again.Location);

        var (order, orderUrl) = await ReadyOrderAsync(client);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // CSR names that are not the order's identifiers: badCSR, and the order stays ready.
        var mismatch = await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.2") });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.Status);
        Assert.Equal("urn:ietf:params:acme:error:badCSR", mismatch.ProblemType);
        var notCsr = await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = "AAAA" });
        Assert.Equal("urn:ietf:params:acme:error:badCSR", notCsr.ProblemType);

        var finalized = await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.1") });
        Assert.Equal(HttpStatusCode.OK, finalized.Status);
        var done = finalized.Json!["status"]!.GetValue<string>() == "valid" ? finalized : await client.PollAsync(orderUrl, a => a.Json?["status"]?.GetValue<string>() != "processing");
        Assert.Equal("valid", done.Json!["status"]!.GetValue<string>());
        var again2 = await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.1") });
        Assert.Equal("urn:ietf:params:acme:error:orderNotReady", again2.ProblemType);

        var download = await client.PostAsync(done.Json["certificate"]!.GetValue<string>(), null);
        Assert.Equal(HttpStatusCode.OK, download.Status);
        Assert.Equal("application/pem-certificate-chain", download.ContentType);
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(download.Text);
        Assert.True(certificates.Count >= 2);
        var leaf = certificates[0];
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(certificates[1].SubjectName.RawData, leaf.IssuerName.RawData);

        // ARI: the certificate's renewal window.
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value;
        var ariId = Base64Url.EncodeToString(aki.Span) + "." + Base64Url.EncodeToString(leaf.SerialNumberBytes.Span);
        using var http = gateway.Client(apiKey: null);
        using var ari = await http.GetAsync($"/acme/web-server/renewal-info/{ariId}");
        Assert.Equal(HttpStatusCode.OK, ari.StatusCode);
        var window = JsonNode.Parse(await ari.Content.ReadAsStringAsync())!["suggestedWindow"]!;
        var start = DateTimeOffset.Parse(window["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(start > leaf.NotBefore && start < leaf.NotAfter);
        Assert.True(ari.Headers.RetryAfter is not null);

        // Another account may neither read the order nor revoke the certificate.
        using var stranger = NewClient();
        await stranger.NewAccountAsync();
        var peek = await stranger.PostAsync(orderUrl, null);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", peek.ProblemType);
        var strangerRevoke = await stranger.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData) });
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", strangerRevoke.ProblemType);

        var badReason = await client.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData), reason = 7 });
        Assert.Equal("urn:ietf:params:acme:error:badRevocationReason", badReason.ProblemType);
        var revoked = await client.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData), reason = 4 });
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        var twice = await client.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData) });
        Assert.Equal("urn:ietf:params:acme:error:alreadyRevoked", twice.ProblemType);
        using var ariAfter = await http.GetAsync($"/acme/web-server/renewal-info/{ariId}");
        var end = DateTimeOffset.Parse(JsonNode.Parse(await ariAfter.Content.ReadAsStringAsync())!["suggestedWindow"]!["end"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(end < DateTimeOffset.UtcNow, "a revoked certificate's window is in the past: renew now");
    }

    [Fact]
    public async Task Revocation_signed_with_the_certificates_own_key_is_accepted()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        var (order, orderUrl) = await ReadyOrderAsync(client);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.1") });
        var done = await client.PollAsync(orderUrl, a => a.Json?["status"]?.GetValue<string>() is "valid" or "invalid");
        var pem = (await client.PostAsync(done.Json!["certificate"]!.GetValue<string>(), null)).Text;
        var leaf = X509Certificate2.CreateFromPem(pem);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var wrongKey = await client.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData) }, useJwk: true, key: other);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", wrongKey.ProblemType);
        var byKey = await client.PostAsync(client.Base + "/revoke-cert", new { certificate = Base64Url.EncodeToString(leaf.RawData), reason = 1 }, useJwk: true, key: key);
        Assert.Equal(HttpStatusCode.OK, byKey.Status);
    }

    [Fact]
    public async Task Finalize_before_the_order_is_ready_is_orderNotReady()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        var created = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.3"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var early = await client.PostAsync(created.Json!["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.3") });

        Assert.Equal(HttpStatusCode.Forbidden, early.Status);
        Assert.Equal("urn:ietf:params:acme:error:orderNotReady", early.ProblemType);
        Assert.Equal("pending", (await client.PostAsync(created.Location!, null)).Json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_http01_validation_makes_the_authorization_and_order_invalid()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        var created = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.1"));
        var authzUrl = created.Json!["authorizations"]![0]!.GetValue<string>();
        var http01 = (await client.PostAsync(authzUrl, null)).Json!["challenges"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "http-01")!;
        gateway.Responder.Answer(http01["token"]!.GetValue<string>(), "not-the-key-authorization");

        await client.PostAsync(http01["url"]!.GetValue<string>(), new { });
        var authz = await client.PollAsync(authzUrl, a => a.Json?["status"]?.GetValue<string>() != "pending");

        Assert.Equal("invalid", authz.Json!["status"]!.GetValue<string>());
        var challenge = authz.Json["challenges"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "http-01")!;
        Assert.Equal("urn:ietf:params:acme:error:incorrectResponse", challenge["error"]!["type"]!.GetValue<string>());
        Assert.Equal("invalid", (await client.PostAsync(created.Location!, null)).Json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tampered_payload_wrong_url_and_replayed_nonce_get_their_problem_types()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        var newOrder = client.Base + "/new-order";

        var tampered = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), tamperPayload: p => Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes("{\"identifiers\":[{\"type\":\"ip\",\"value\":\"127.0.0.6\"}]}")));
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", tampered.ProblemType);

        var wrongUrl = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), urlHeader: client.Base + "/new-account");
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", wrongUrl.ProblemType);

        var nonce = await client.NonceAsync();
        var first = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), nonce: nonce);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var replay = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), nonce: nonce);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("urn:ietf:params:acme:error:badNonce", replay.ProblemType);
        Assert.True(replay.Headers.Contains("Replay-Nonce"), "badNonce carries a fresh nonce");
        var forged = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), nonce: Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(41)));
        Assert.Equal("urn:ietf:params:acme:error:badNonce", forged.ProblemType);

        var hmac = await client.PostAsync(newOrder, IpOrder("127.0.0.5"), alg: "HS256");
        Assert.Equal("urn:ietf:params:acme:error:badSignatureAlgorithm", hmac.ProblemType);
        Assert.NotNull(hmac.Json!["algorithms"]);

        var notJose = await client.SendAsync(newOrder, "{}", "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJose.Status);
        Assert.Equal("urn:ietf:params:acme:error:malformed", notJose.ProblemType);
        var garbage = await client.SendAsync(newOrder, "{\"protected\":\"!!\"");
        Assert.Equal("urn:ietf:params:acme:error:malformed", garbage.ProblemType);
    }

    [Fact]
    public async Task Unknown_account_and_onlyReturnExisting_are_accountDoesNotExist()
    {
        using var client = NewClient();
        var lookup = await client.PostAsync(client.Base + "/new-account", new { onlyReturnExisting = true }, useJwk: true);
        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", lookup.ProblemType);

        var unknown = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.1"), kid: client.Base + "/acct/no-such-account");
        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", unknown.ProblemType);

        var jwkWhereKid = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.1"), useJwk: true);
        Assert.Equal("urn:ietf:params:acme:error:malformed", jwkWhereKid.ProblemType);
    }

    [Fact]
    public async Task Bad_identifiers_are_rejectedIdentifier_with_subproblems()
    {
        using var client = NewClient();
        await client.NewAccountAsync();

        var answer = await client.PostAsync(client.Base + "/new-order", new
        {
            identifiers = new object[] { new { type = "dns", value = "ok.test" }, new { type = "dns", value = "bad_name!.test" }, new { type = "email", value = "a@b.test" } },
        });

        Assert.Equal("urn:ietf:params:acme:error:rejectedIdentifier", answer.ProblemType);
        Assert.Equal(2, answer.Json!["subproblems"]!.AsArray().Count);

        // Names the profile would never issue are refused before anything is written or validated.
        var outside = await client.PostAsync(client.Base + "/new-order", new
        {
            identifiers = new object[] { new { type = "dns", value = "ok.test" }, new { type = "dns", value = "www.example.com" }, new { type = "ip", value = "192.0.2.1" } },
        });
        Assert.Equal("urn:ietf:params:acme:error:rejectedIdentifier", outside.ProblemType);
        var subproblems = outside.Json!["subproblems"]!.AsArray();
        Assert.Equal(["www.example.com", "192.0.2.1"], subproblems.Select(p => p!["identifier"]!["value"]!.GetValue<string>()).ToArray());
        Assert.Contains("san.dns", subproblems[0]!["detail"]!.GetValue<string>());
        var orders = await client.PostAsync(client.AccountUrl + "/orders", null);
        Assert.Empty(orders.Json!["orders"]!.AsArray());

        // Identifiers are echoed exactly as ordered, and a repeat that differs only in case is the same identifier.
        var mixed = await client.PostAsync(client.Base + "/new-order", new
        {
            identifiers = new object[] { new { type = "dns", value = "Echo-Case.test" }, new { type = "dns", value = "echo-case.TEST" } },
        });
        Assert.True(mixed.Status == HttpStatusCode.Created, mixed.ToString());
        Assert.Equal("Echo-Case.test", Assert.Single(mixed.Json!["identifiers"]!.AsArray())!["value"]!.GetValue<string>());
        var badContact = await client.PostAsync(client.AccountUrl!, new { contact = new[] { "tel:+1555" } });
        Assert.Equal("urn:ietf:params:acme:error:unsupportedContact", badContact.ProblemType);
    }

    [Fact]
    public async Task Key_change_moves_the_account_to_the_new_key_and_deactivation_is_final()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        var accountUrl = client.AccountUrl!;
        var oldKey = client.Key;
        var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyChangeUrl = client.Base + "/key-change";
        var inner = client.Sign(keyChangeUrl, new { account = accountUrl, oldKey = AcmeTestClient.Jwk(oldKey) }, useJwk: true, nonce: null, key: newKey);

        var changed = await client.PostAsync(keyChangeUrl, inner);
        Assert.True(changed.Status == HttpStatusCode.OK, changed.ToString());

        var withOld = await client.PostAsync(accountUrl, null);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", withOld.ProblemType);
        client.ReplaceKey(newKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(accountUrl, null)).Status);
        var lookup = await client.PostAsync(client.Base + "/new-account", new { onlyReturnExisting = true }, useJwk: true);
        Assert.Equal(accountUrl, lookup.Location);

        var deactivated = await client.PostAsync(accountUrl, new { status = "deactivated" });
        Assert.Equal("deactivated", deactivated.Json!["status"]!.GetValue<string>());
        var after = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.1"));
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", after.ProblemType);
    }

    [Fact]
    public async Task New_order_picks_an_offered_profile_whose_per_account_quota_is_the_rate_limit()
    {
        using var http = gateway.Client(apiKey: null);
        var profiles = JsonNode.Parse(await http.GetStringAsync("/acme/directory"))!["meta"]!["profiles"]!.AsObject();
        Assert.Equal(["web-server", "test-acme-quota"], profiles.Select(p => p.Key).ToArray());

        using var client = NewClient();
        await client.NewAccountAsync();
        var unknown = await client.PostAsync(client.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, profile = "iot-device" });
        Assert.Equal("urn:ietf:params:acme:error:invalidProfile", unknown.ProblemType);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (order, orderUrl) = await ReadyOrderAsync(client, "test-acme-quota");
            Assert.Equal("test-acme-quota", order["profile"]!.GetValue<string>());
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.1") });
            var done = await client.PollAsync(orderUrl, a => a.Json?["status"]?.GetValue<string>() is "valid" or "invalid");
            if (attempt == 0)
            {
                Assert.True(done.Json!["status"]!.GetValue<string>() == "valid", done.ToString());
            }
            else
            {
                Assert.Equal("invalid", done.Json!["status"]!.GetValue<string>());
                Assert.Equal("urn:ietf:params:acme:error:rateLimited", done.Json["error"]!["type"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Orders_list_holds_the_accounts_orders_and_a_certificate_is_replaced_once()
    {
        using var client = NewClient();
        var account = await client.NewAccountAsync();
        var (order, orderUrl) = await ReadyOrderAsync(client);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await client.PostAsync(order["finalize"]!.GetValue<string>(), new { csr = Csr(key, "127.0.0.1") });
        var done = await client.PollAsync(orderUrl, a => a.Json?["status"]?.GetValue<string>() is "valid" or "invalid");
        var leaf = X509Certificate2.CreateFromPem((await client.PostAsync(done.Json!["certificate"]!.GetValue<string>(), null)).Text);

        var orders = await client.PostAsync(account.Json!["orders"]!.GetValue<string>(), null);
        Assert.Contains(orderUrl, orders.Json!["orders"]!.AsArray().Select(o => o!.GetValue<string>()));

        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value;
        var ariId = Base64Url.EncodeToString(aki.Span) + "." + Base64Url.EncodeToString(leaf.SerialNumberBytes.Span);
        var renewal = await client.PostAsync(client.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, replaces = ariId });
        Assert.Equal(HttpStatusCode.Created, renewal.Status);
        Assert.Equal(ariId, renewal.Json!["replaces"]!.GetValue<string>());
        var twice = await client.PostAsync(client.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, replaces = ariId });
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Equal("urn:ietf:params:acme:error:alreadyReplaced", twice.ProblemType);

        using var stranger = NewClient();
        await stranger.NewAccountAsync();
        // A foreign or unknown certificate in replaces is ignored, not an error (pebble#550).
        var notMine = await stranger.PostAsync(stranger.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, replaces = ariId });
        Assert.Equal(HttpStatusCode.Created, notMine.Status);
        Assert.Null(notMine.Json!["replaces"]);
        var garbage = await stranger.PostAsync(stranger.Base + "/new-order", new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } }, replaces = "not-an-ari-id" });
        Assert.Equal(HttpStatusCode.Created, garbage.Status);
    }

    [Fact]
    public async Task New_orders_past_the_per_account_limit_are_rateLimited_before_anything_is_written()
    {
        using var client = NewClient();
        await client.NewAccountAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.9"))).Status);
        }

        var refused = await client.PostAsync(client.Base + "/new-order", IpOrder("127.0.0.9"));

        Assert.Equal((HttpStatusCode)429, refused.Status);
        Assert.Equal("urn:ietf:params:acme:error:rateLimited", refused.ProblemType);
        Assert.NotNull(refused.Headers.RetryAfter);
        var orders = await client.PostAsync(client.AccountUrl + "/orders", null);
        Assert.Equal(3, orders.Json!["orders"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_key_has_one_account_in_the_directory_it_registered_at()
    {
        using var client = NewClient();
        Assert.Equal(HttpStatusCode.Created, (await client.NewAccountAsync()).Status);
        using var other = NewClient("test-acme-quota");
        other.ReplaceKey(client.Key);

        var elsewhere = await other.PostAsync(other.Base + "/new-account", new { termsOfServiceAgreed = true }, useJwk: true);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", elsewhere.ProblemType);
        Assert.Contains("web-server", elsewhere.Json!["detail"]!.GetValue<string>());

        var kidElsewhere = await other.PostAsync(other.Base + "/new-order", IpOrder("127.0.0.1"), kid: other.Base + "/acct/" + client.AccountUrl![(client.AccountUrl!.LastIndexOf('/') + 1)..]);
        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", kidElsewhere.ProblemType);
    }
}
