using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// EST simple enrollment (RFC 7030 §4.2.1, RFC 8951): <c>POST {base}/.well-known/est[/label]/simpleenroll</c> over
/// keep-alive HTTPS, <c>Content-Type: application/pkcs10</c>, body the base64 DER PKCS#10. The device authenticates
/// with a TLS client certificate (<c>--est-client-cert</c>: a manufacturer certificate the gateway trusts), HTTP Basic
/// (<c>--est-basic</c>), or both. Success is a 200 <c>application/pkcs7-mime</c> whose base64 body is a certs-only
/// CMS holding a certificate for the CSR's public key; anything else is an error of a named kind. With an API key,
/// a sample of the issued serials is looked up through the admin API afterwards.
/// </summary>
internal sealed class EstEnrollScenario : Scenario
{
    public override string Name => "est-enroll";

    public override string Description =>
        "EST: POST /.well-known/est/simpleenroll (HTTPS keep-alive, client certificate and/or Basic, base64 PKCS#10) → 200 certs-only PKCS#7 with a certificate for the CSR's key";

    public override Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        if (context.Basic is null && context.Options.EstClientCert is null)
        {
            throw new UsageException("est-enroll needs a way to authenticate: --est-client-cert (and --est-client-key) and/or --est-basic id:secret");
        }
        if (context.Options.BaseUrls.Any(u => u.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException("est-enroll needs https:// targets (EST runs over TLS only)");
        }
        return Task.CompletedTask;
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context) =>
        new(csr.DnsName, Encoding.ASCII.GetBytes(Convert.ToBase64String(csr.Der)), csr.SubjectPublicKeyInfo);

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        var path = context.Options.EstLabel is { } label ? $".well-known/est/{label}/simpleenroll" : ".well-known/est/simpleenroll";
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path));
        if (context.Basic is { } basic) message.Headers.Authorization = basic;
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.ContentType = Pkcs10;
        message.Content.Headers.TryAddWithoutValidation("Content-Transfer-Encoding", "base64");
        using var response = await context.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "application/pkcs7-mime", StringComparison.OrdinalIgnoreCase))
        {
            return ScenarioOutcome.Failure("bad-content-type", $"200 with Content-Type '{mediaType}', not application/pkcs7-mime");
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(body); // ignores the CRLF line breaks
        }
        catch (FormatException)
        {
            return ScenarioOutcome.Failure("bad-base64", "200 whose body is not base64");
        }
        if (!CertificateCheck.TryReadCertsOnly(der, out var certificates, out var error)) return ScenarioOutcome.Failure("bad-pkcs7", "200 with " + error);
        if (!CertificateCheck.TryFindForKey(certificates, request.SubjectPublicKeyInfo, out var serial, out error))
        {
            return ScenarioOutcome.Failure("wrong-certificate", "200 with " + error);
        }
        return ScenarioOutcome.Success(serial);
    }

    public override Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct) =>
        context.Bearer is null
            ? Task.FromResult<VerificationResult?>(null)
            : IssuedSample.VerifyAsync(context, issued, sampleSize, ct);

    private static readonly MediaTypeHeaderValue Pkcs10 = new("application/pkcs10");
}
