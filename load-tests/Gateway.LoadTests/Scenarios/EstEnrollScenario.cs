using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// EST simple enrollment (RFC 7030 §4.2.1, RFC 8951): <c>POST {base}/.well-known/est/simpleenroll</c> over HTTPS,
/// HTTP Basic, <c>Content-Type: application/pkcs10</c>, body the base64 DER PKCS#10; expects 200 with
/// <c>application/pkcs7-mime</c> (a base64 certs-only CMS). Use <c>--insecure</c> for a gateway whose TLS
/// certificate comes from its own dev CA.
/// </summary>
internal sealed class EstEnrollScenario : Scenario
{
    public override string Name => "est-enroll";

    public override string Description => "EST: POST /.well-known/est/simpleenroll (HTTPS, Basic, base64 PKCS#10) → 200 application/pkcs7-mime";

    public override Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        if (context.Basic is null) throw new UsageException("est-enroll needs --est-user/--est-password (or env GATEWAY_EST_USER/GATEWAY_EST_PASSWORD)");
        if (context.Options.BaseUrls.Any(u => u.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException("est-enroll needs an https:// --base-url (EST runs over TLS only)");
        }
        return Task.CompletedTask;
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context) =>
        new(csr.DnsName, Encoding.ASCII.GetBytes(Convert.ToBase64String(csr.Der)));

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, ".well-known/est/simpleenroll"));
        message.Headers.Authorization = context.Basic;
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        message.Content.Headers.TryAddWithoutValidation("Content-Transfer-Encoding", "base64");
        using var response = await context.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "application/pkcs7-mime", StringComparison.OrdinalIgnoreCase))
        {
            return ScenarioOutcome.Failure("bad-response", $"200 with Content-Type '{mediaType}', not application/pkcs7-mime");
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var der = Convert.FromBase64String(body);
            // A CMS ContentInfo is a DER SEQUENCE.
            return der.Length > 0 && der[0] == 0x30
                ? ScenarioOutcome.Success()
                : ScenarioOutcome.Failure("bad-response", "200 whose body is not a DER SEQUENCE in base64");
        }
        catch (FormatException)
        {
            return ScenarioOutcome.Failure("bad-response", "200 whose body is not base64");
        }
    }
}
