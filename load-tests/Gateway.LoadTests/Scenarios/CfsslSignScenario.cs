using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// The yardstick: cfssl's <c>POST {base}/api/v1/cfssl/sign</c> with <c>{"certificate_request": PEM, "hosts": [name]}</c>;
/// expects 200 and <c>{"success": true, "result": {"certificate": PEM}}</c>. cfssl needs neither "hosts" nor
/// "profile" (without "hosts" it copies the CSR's SANs; without "profile" it uses the config's default signing
/// policy); "hosts" is sent anyway so the SANs do not depend on the cfssl version's CSR handling.
/// </summary>
internal sealed class CfsslSignScenario : Scenario
{
    public override string Name => "cfssl-sign";

    public override string Description => "cfssl serve: POST /api/v1/cfssl/sign {certificate_request, hosts} → 200 {success, result.certificate}";

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context)
    {
        using var buffer = new MemoryStream(768);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("certificate_request", csr.ToPem());
            json.WriteStartArray("hosts");
            json.WriteStringValue(csr.DnsName);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new PreparedRequest(csr.DnsName, buffer.ToArray(), csr.SubjectPublicKeyInfo);
    }

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "api/v1/cfssl/sign"));
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await context.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) return await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True
                && root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                && result.TryGetProperty("certificate", out var cert) && cert.ValueKind == JsonValueKind.String)
            {
                // The same check as est-enroll's, so both sides of the comparison pay for it.
                return CertificateCheck.TryCheckPem(cert.GetString(), request.SubjectPublicKeyInfo, out var serial, out var error)
                    ? ScenarioOutcome.Success(serial)
                    : ScenarioOutcome.Failure("wrong-certificate", "200 with " + error);
            }
            return ScenarioOutcome.Failure("bad-response", "200 without success/result.certificate: " + System.Text.Encoding.UTF8.GetString(body));
        }
        catch (JsonException ex)
        {
            return ScenarioOutcome.Failure("bad-response", "200 with a body that is not JSON: " + ex.Message);
        }
    }
}
