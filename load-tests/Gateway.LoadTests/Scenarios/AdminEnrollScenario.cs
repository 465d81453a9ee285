using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// <c>POST {base}/api/v1/enrollments</c> <c>{"profile", "csr": PEM}</c> with a bearer API key; expects 201 and a
/// JSON body with <c>serial</c> and a PEM <c>certificate</c> for the CSR's key. Afterwards, <c>GET /api/v1/certificates/{serial}</c> for a random sample.
/// </summary>
internal sealed class AdminEnrollScenario : Scenario
{
    public override string Name => "admin-enroll";

    public override string Description => "gateway admin API: POST /api/v1/enrollments (JSON, PEM CSR, bearer key) → 201 {serial, certificate, chain}";

    public override Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        if (context.Bearer is null) throw new UsageException("admin-enroll needs an API key: --api-key or env GATEWAY_API_KEY");
        return Task.CompletedTask;
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context)
    {
        using var buffer = new MemoryStream(768);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("profile", context.Options.Profile);
            json.WriteString("csr", csr.ToPem());
            json.WriteEndObject();
        }
        return new PreparedRequest(csr.DnsName, buffer.ToArray(), csr.SubjectPublicKeyInfo);
    }

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "api/v1/enrollments"));
        message.Headers.Authorization = context.Bearer;
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await context.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.Created) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("serial", out var serial) || serial.ValueKind != JsonValueKind.String || serial.GetString() is not { Length: > 0 } s
                || !root.TryGetProperty("certificate", out var certificate) || certificate.ValueKind != JsonValueKind.String)
            {
                return ScenarioOutcome.Failure("bad-response", "201 without \"serial\" and \"certificate\": " + System.Text.Encoding.UTF8.GetString(body));
            }
            if (!CertificateCheck.TryCheckPem(certificate.GetString(), request.SubjectPublicKeyInfo, out var certSerial, out var error))
            {
                return ScenarioOutcome.Failure("wrong-certificate", "201 with " + error);
            }
            return string.Equals(certSerial, s, StringComparison.OrdinalIgnoreCase)
                ? ScenarioOutcome.Success(s)
                : ScenarioOutcome.Failure("wrong-certificate", $"201 whose \"serial\" {s} is not the certificate's {certSerial}");
        }
        catch (JsonException ex)
        {
            return ScenarioOutcome.Failure("bad-response", "201 with a body that is not JSON: " + ex.Message);
        }
    }

    public override Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct) =>
        IssuedSample.VerifyAsync(context, issued, sampleSize, ct);
}
