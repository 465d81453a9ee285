using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using Xunit.Abstractions;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcSerial = Org.BouncyCastle.Math.BigInteger;

namespace Gateway.Server.Tests;

/// <summary>Revocation status through the real host: AIA/CDP in certificates, the CRL, the OCSP responder, holds.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RevocationTests(GatewayFixture gateway, ITestOutputHelper output)
{
    private const string Sha1 = "1.3.14.3.2.26";

    private static string OcspTestData(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "ocsp", name);

    private async Task<(string Serial, X509Certificate2 Certificate)> EnrollAsync(string profile, string name)
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr = Csrs.P256(name, name) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        var issued = JsonDocument.Parse(body).RootElement;
        return (issued.GetProperty("serial").GetString()!, X509Certificate2.CreateFromPem(issued.GetProperty("certificate").GetString()));
    }

    private async Task<HttpResponseMessage> RevokeAsync(string serial, string reason, DateTimeOffset? invalidityDate = null)
    {
        using var client = gateway.Client();
        return await client.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason, invalidityDate });
    }

    private async Task<BcCertificate> IssuerAsync()
    {
        using var http = gateway.Client(apiKey: null);
        return new X509CertificateParser().ReadCertificate(await http.GetByteArrayAsync("/ca/default.crt"));
    }

    private static byte[] OcspRequest(BcCertificate issuer, BcSerial serial, byte[]? nonce = null)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(new AlgorithmIdentifier(new DerObjectIdentifier(Sha1), DerNull.Instance), issuer, serial));
        if (nonce is not null)
        {
            generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, Org.BouncyCastle.Asn1.X509.X509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new(false, new DerOctetString(new DerOctetString(nonce))),
            }));
        }

        return generator.Generate().GetEncoded();
    }

    private async Task<(OcspResp Response, byte[] Der)> PostOcspAsync(byte[] request)
    {
        using var http = gateway.Client(apiKey: null);
        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        var response = await http.PostAsync("/ocsp", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        var der = await response.Content.ReadAsByteArrayAsync();
        return (new OcspResp(der), der);
    }

    private async Task<(OcspResp Response, byte[] Der)> GetOcspAsync(byte[] request)
    {
        using var http = gateway.Client(apiKey: null);
        var response = await http.GetAsync("/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(request)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var der = await response.Content.ReadAsByteArrayAsync();
        return (new OcspResp(der), der);
    }

    /// <summary>The one SingleResp, after checking the response is successful and signed by a responder the issuer certified.</summary>
    private static SingleResp Single(OcspResp response, BcCertificate issuer)
    {
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        var basic = Assert.IsType<BasicOcspResp>(response.GetResponseObject());
        var responder = Assert.Single(basic.GetCerts());
        responder.Verify(issuer.GetPublicKey());
        Assert.True(basic.Verify(responder.GetPublicKey()));
        return Assert.Single(basic.Responses);
    }

    private async Task<X509Crl> CrlAsync(string path = "/crl/default.crl")
    {
        using var http = gateway.Client(apiKey: null);
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        var crl = new X509CrlParser().ReadCrl(await response.Content.ReadAsByteArrayAsync());
        crl.Verify((await IssuerAsync()).GetPublicKey());
        return crl;
    }

    private static long CrlNumber(X509Crl crl) =>
        DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).LongValueExact;

    private static Dictionary<string, X509CrlEntry> Entries(X509Crl crl) =>
        (crl.GetRevokedCertificates() ?? new HashSet<X509CrlEntry>()).ToDictionary(e => Convert.ToHexStringLower(e.SerialNumber.ToByteArray()));

    private static int? ReasonOf(X509CrlEntry entry) =>
        entry.GetExtensionValue(X509Extensions.ReasonCode) is { } value ? CrlReason.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).IntValueExact : null;

    [Fact]
    public async Task Crl_follows_a_revocation_committed_by_a_node_that_never_asked_for_a_new_crl()
    {
        // A node commits the revocation and dies before asking the CRL grain for an update: here the event is appended
        // straight to the store, so nothing but the committed revocation (and its notification) tells the CRL side.
        var (serial, _) = await EnrollAsync("web-server", $"crl-follow-{Guid.NewGuid():N}"[..24] + ".example.test");
        var before = await CrlAsync();
        Assert.DoesNotContain(serial, Entries(before).Keys);
        var writer = gateway.App.Services.GetRequiredService<IEventWriter>();
        await writer.AppendAsync([new StreamAppend(serial, false, [new CertificateRevoked(serial, "keyCompromise", null, "test:dead-node", DateTimeOffset.UtcNow)])]);

        X509Crl after = before;
        for (var attempt = 0; attempt < 100 && !Entries(after).ContainsKey(serial); attempt++)
        {
            await Task.Delay(100);
            after = await CrlAsync();
        }

        Assert.True(Entries(after).ContainsKey(serial), $"CRL {CrlNumber(after)} does not list {serial} 10 s after its revocation committed");
        Assert.True(CrlNumber(after) > CrlNumber(before));
    }

    [Fact]
    public async Task Issued_certificate_points_to_this_gateways_crl_ocsp_and_issuer()
    {
        var (_, certificate) = await EnrollAsync("web-server", "aia.example.test");
        var baseUrl = gateway.BaseAddress.ToString().TrimEnd('/');

        var aia = Assert.Single(certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.Equal([baseUrl + "/ocsp"], aia.EnumerateOcspUris());
        Assert.Equal([baseUrl + "/ca/default.crt"], aia.EnumerateCAIssuersUris());
        var cdp = new X509CertificateParser().ReadCertificate(certificate.RawData).GetExtensionValue(X509Extensions.CrlDistributionPoints);
        var point = Assert.Single(CrlDistPoint.GetInstance(Asn1Object.FromByteArray(cdp.GetOctets())).GetDistributionPoints());
        var uri = Assert.Single(GeneralNames.GetInstance(point.DistributionPointName.Name).GetNames());
        Assert.Equal(baseUrl + "/crl/default.crl", uri.Name.ToString());

        // What they point to: the issuing CA (DER) that signed the certificate, and a CRL it signed.
        using var http = gateway.Client(apiKey: null);
        var caIssuers = await http.GetAsync(new Uri(aia.EnumerateCAIssuersUris().Single()));
        Assert.Equal("application/pkix-cert", caIssuers.Content.Headers.ContentType?.MediaType);
        new X509CertificateParser().ReadCertificate(certificate.RawData)
            .Verify(new X509CertificateParser().ReadCertificate(await caIssuers.Content.ReadAsByteArrayAsync()).GetPublicKey());
        await CrlAsync(new Uri(uri.Name.ToString()!).AbsolutePath);
    }

    [Fact]
    public async Task Ocsp_says_good_then_revoked_with_time_and_reason_as_soon_as_the_revocation_returns()
    {
        var issuer = await IssuerAsync();
        var (serial, certificate) = await EnrollAsync("web-server", "ocsp-good.example.test");
        var id = new BcSerial(certificate.SerialNumberBytes.ToArray());

        var before = Single((await PostOcspAsync(OcspRequest(issuer, id))).Response, issuer);
        Assert.Null(before.GetCertStatus()); // good
        Assert.Null(Single((await GetOcspAsync(OcspRequest(issuer, id))).Response, issuer).GetCertStatus());

        var revoked = await RevokeAsync(serial, "keyCompromise", DateTimeOffset.UtcNow.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var revokedAt = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync()).RootElement.GetProperty("revokedAt").GetDateTimeOffset();

        foreach (var answer in new[] { await PostOcspAsync(OcspRequest(issuer, id)), await GetOcspAsync(OcspRequest(issuer, id)) })
        {
            var status = Assert.IsType<RevokedStatus>(Single(answer.Response, issuer).GetCertStatus());
            Assert.Equal(CrlReason.KeyCompromise, status.RevocationReason);
            Assert.Equal(new DateTimeOffset(revokedAt.UtcDateTime.AddTicks(-(revokedAt.UtcTicks % TimeSpan.TicksPerSecond)), TimeSpan.Zero).UtcDateTime,
                status.RevocationTime);
        }

        var entry = Entries(await CrlAsync())[serial];
        Assert.Equal(CrlReason.KeyCompromise, ReasonOf(entry));
        Assert.NotNull(entry.GetExtensionValue(X509Extensions.InvalidityDate));
    }

    [Fact]
    public async Task Crl_after_n_revocations_lists_exactly_those_n_more_with_a_higher_number()
    {
        var before = await CrlAsync();
        var beforeSerials = Entries(before).Keys.ToHashSet();
        string[] reasons = ["keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged", "unspecified"];
        var revoked = new List<string>();
        foreach (var (reason, i) in reasons.Select((r, i) => (r, i)))
        {
            var (serial, _) = await EnrollAsync("web-server", $"crl-{i}-{Guid.NewGuid():N}"[..20] + ".example.test");
            Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(serial, reason)).StatusCode);
            revoked.Add(serial);
        }

        var (untouched, _) = await EnrollAsync("web-server", "crl-untouched.example.test");
        // Revoking again changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(revoked[0], "superseded")).StatusCode);

        var after = await CrlAsync();
        var entries = Entries(after);
        Assert.True(CrlNumber(after) > CrlNumber(before));
        Assert.True(beforeSerials.IsSubsetOf(entries.Keys));
        Assert.Equal(revoked.Order(), entries.Keys.Except(beforeSerials).Order());
        Assert.DoesNotContain(untouched, entries.Keys);
        Assert.Equal(CrlReason.KeyCompromise, ReasonOf(entries[revoked[0]]));
        Assert.Equal(CrlReason.Superseded, ReasonOf(entries[revoked[1]]));
        Assert.Null(ReasonOf(entries[revoked[4]])); // unspecified: no reasonCode
    }

    [Fact]
    public async Task Revocation_committed_by_another_node_reaches_this_nodes_cached_ocsp_answer()
    {
        var issuer = await IssuerAsync();
        var (serial, certificate) = await EnrollAsync("web-server", "other-node.example.test");
        var request = OcspRequest(issuer, new BcSerial(certificate.SerialNumberBytes.ToArray()));
        var first = await GetOcspAsync(request);
        Assert.Null(Single(first.Response, issuer).GetCertStatus());
        Assert.Equal(first.Der, (await GetOcspAsync(request)).Der); // pre-signed: the same bytes again

        // As another node would: commit the event straight to the store. Only the commit's NOTIFY can tell this node.
        var writer = gateway.App.Services.GetRequiredService<IEventWriter>();
        var stopwatch = Stopwatch.StartNew();
        await writer.AppendAsync([new StreamAppend(serial, false, [new CertificateRevoked(serial, "superseded", null, "test:other-node", DateTimeOffset.UtcNow)])]);
        var committed = stopwatch.Elapsed;

        object? status = null;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            status = Single((await GetOcspAsync(request)).Response, issuer).GetCertStatus();
            if (status is not null) break;
            await Task.Delay(10);
        }

        output.WriteLine($"committed after {committed.TotalMilliseconds:F0} ms, OCSP said revoked after {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(CrlReason.Superseded, Assert.IsType<RevokedStatus>(status).RevocationReason);
    }

    [Fact]
    public async Task Hold_shows_as_certificateHold_then_release_makes_it_good_and_leaves_the_crl()
    {
        var issuer = await IssuerAsync();
        var (serial, certificate) = await EnrollAsync("mdm-device", "held.example.test");
        var request = OcspRequest(issuer, new BcSerial(certificate.SerialNumberBytes.ToArray()));

        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(serial, "certificateHold")).StatusCode);
        Assert.Equal(CrlReason.CertificateHold, Assert.IsType<RevokedStatus>(Single((await GetOcspAsync(request)).Response, issuer).GetCertStatus()).RevocationReason);
        Assert.Equal(CrlReason.CertificateHold, ReasonOf(Entries(await CrlAsync())[serial]));
        // Holding again is the same hold.
        var again = JsonDocument.Parse(await (await RevokeAsync(serial, "certificateHold")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("already-revoked", again.GetProperty("status").GetString());

        using var client = gateway.Client();
        var released = await client.PostAsync($"/api/v1/certificates/{serial}/release", null);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal("released", JsonDocument.Parse(await released.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        Assert.Null(Single((await GetOcspAsync(request)).Response, issuer).GetCertStatus());
        Assert.DoesNotContain(serial, Entries(await CrlAsync()).Keys);
        var record = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        Assert.Equal("valid", record.GetProperty("status").GetString());
        var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}/history")).RootElement;
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "certificate_hold_released");

        var twice = await client.PostAsync($"/api/v1/certificates/{serial}/release", null);
        Assert.Equal("not-on-hold", JsonDocument.Parse(await twice.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        // A hold can become final; a final revocation cannot be released.
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(serial, "certificateHold")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(serial, "keyCompromise")).StatusCode);
        Assert.Equal(CrlReason.KeyCompromise, Assert.IsType<RevokedStatus>(Single((await GetOcspAsync(request)).Response, issuer).GetCertStatus()).RevocationReason);
        var final = await client.PostAsync($"/api/v1/certificates/{serial}/release", null);
        Assert.Equal(HttpStatusCode.Conflict, final.StatusCode);
        Assert.Equal("application/problem+json", final.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Hold_on_a_profile_without_allowHold_is_409_and_changes_nothing()
    {
        var (serial, _) = await EnrollAsync("web-server", "no-hold.example.test");

        var response = await RevokeAsync(serial, "certificateHold");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("hold-not-allowed", await response.Content.ReadAsStringAsync());
        using var client = gateway.Client();
        Assert.Equal("valid", JsonDocument.Parse(await client.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/certificates/0badc0ffee/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RevokeAsync(serial, "keyCompromise", DateTimeOffset.UtcNow.AddDays(1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RevokeAsync(serial, "removeFromCRL")).StatusCode);
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"/api/v1/certificates/{serial}/release", null)).StatusCode);
    }

    [Fact]
    public async Task Nonce_is_echoed_in_a_freshly_signed_response_and_unknown_serials_are_unknown()
    {
        var issuer = await IssuerAsync();
        var (_, certificate) = await EnrollAsync("web-server", "nonce.example.test");
        var id = new BcSerial(certificate.SerialNumberBytes.ToArray());
        byte[] nonce = [.. Enumerable.Range(0, 16).Select(i => (byte)(i * 7))];

        var (response, _) = await PostOcspAsync(OcspRequest(issuer, id, nonce));
        Single(response, issuer);
        var basic = (BasicOcspResp)response.GetResponseObject();
        Assert.Equal(new DerOctetString(nonce).GetEncoded(), basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce).GetOctets());

        var unknown = Single((await PostOcspAsync(OcspRequest(issuer, new BcSerial("123456789abcdef", 16)))).Response, issuer);
        Assert.IsType<UnknownStatus>(unknown.GetCertStatus());
    }

    [Theory]
    [InlineData("empty.der", OcspRespStatus.MalformedRequest)]
    [InlineData("garbage.bin", OcspRespStatus.MalformedRequest)]
    [InlineData("truncated.der", OcspRespStatus.MalformedRequest)]
    [InlineData("trailing-data.der", OcspRespStatus.MalformedRequest)]
    [InlineData("wrong-outer-length.der", OcspRespStatus.MalformedRequest)]
    [InlineData("certificate-not-request.der", OcspRespStatus.MalformedRequest)]
    [InlineData("no-requests.der", OcspRespStatus.MalformedRequest)]
    [InlineData("two-requests.der", OcspRespStatus.MalformedRequest)]
    [InlineData("md5-certid.der", OcspRespStatus.MalformedRequest)]
    [InlineData("sha1-certid-32-byte-hashes.der", OcspRespStatus.MalformedRequest)]
    [InlineData("sha256-certid-with-parameters.der", OcspRespStatus.MalformedRequest)]
    [InlineData("nonce-too-long.der", OcspRespStatus.MalformedRequest)]
    [InlineData("critical-unknown-extension.der", OcspRespStatus.MalformedRequest)]
    [InlineData("serial-21-octets.der", OcspRespStatus.MalformedRequest)]
    [InlineData("serial-20-octets.der", OcspRespStatus.Unauthorized)]
    [InlineData("valid-sha1.der", OcspRespStatus.Unauthorized)]
    [InlineData("valid-sha256-nonce.der", OcspRespStatus.Unauthorized)]
    [InlineData("noncritical-unknown-extension.der", OcspRespStatus.Unauthorized)]
    public async Task Bad_or_foreign_requests_get_an_ocsp_error_status_by_post_and_get(string file, int expected)
    {
        var request = await File.ReadAllBytesAsync(OcspTestData(file));

        var posted = await PostOcspAsync(request);
        Assert.Equal(expected, posted.Response.Status);
        Assert.Equal([0x30, 0x03, 0x0A, 0x01, (byte)expected], posted.Der);
        if (request.Length > 0)
        {
            Assert.Equal(expected, (await GetOcspAsync(request)).Response.Status);
        }
    }

    [Theory]
    [InlineData("/ocsp")]
    [InlineData("/ocsp/")]
    [InlineData("/ocsp/not*base64")]
    [InlineData("/ocsp/AAAA")]
    public async Task Get_without_a_decodable_request_is_malformedRequest(string path)
    {
        using var http = gateway.Client(apiKey: null);
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OcspRespStatus.MalformedRequest, new OcspResp(await response.Content.ReadAsByteArrayAsync()).Status);
    }

    [Fact]
    public async Task Crl_is_served_as_pem_too_and_answers_conditional_requests_and_unknown_issuers_are_404()
    {
        using var http = gateway.Client(apiKey: null);
        var der = await http.GetAsync("/crl/default.crl");
        var pem = await http.GetStringAsync("/crl/default.pem");
        Assert.StartsWith("-----BEGIN X509 CRL-----", pem);
        Assert.Equal(CrlNumber(new X509CrlParser().ReadCrl(await der.Content.ReadAsByteArrayAsync())),
            CrlNumber(new X509CrlParser().ReadCrl(System.Text.Encoding.ASCII.GetBytes(pem))));

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/crl/default.crl");
        conditional.Headers.IfNoneMatch.Add(der.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/crl/nope.crl")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/ca/nope.crt")).StatusCode);
    }

    [Fact]
    public async Task Crl_of_an_unknown_issuer_is_404_without_activating_a_crl_grain()
    {
        var issuer = "nope-" + Guid.NewGuid().ToString("N")[..12];
        using var http = gateway.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/crl/default.crl")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/crl/{issuer}.crl")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/crl/{issuer}.pem")).StatusCode);

        var activations = await gateway.Grains().GetGrain<Orleans.Runtime.IManagementGrain>(0).GetDetailedGrainStatistics();
        Assert.Contains(activations, a => a.GrainId.Key.ToString() == "default" && a.GrainType.Contains("CrlGrain", StringComparison.Ordinal));
        Assert.DoesNotContain(activations, a => a.GrainId.Key.ToString() == issuer);
    }
}
