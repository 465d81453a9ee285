using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// <c>POST {base}/api/v1/enrollments</c> <c>{"profile", "csr": PEM}</c> with a bearer API key; expects 201 and a
/// JSON body with <c>serial</c>. Afterwards, <c>GET /api/v1/certificates/{serial}</c> for a random sample.
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
        return new PreparedRequest(csr.DnsName, buffer.ToArray());
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
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("serial", out var serial)
                && serial.ValueKind == JsonValueKind.String
                && serial.GetString() is { Length: > 0 } s)
            {
                return ScenarioOutcome.Success(s);
            }
            return ScenarioOutcome.Failure("bad-response", "201 without a \"serial\": " + System.Text.Encoding.UTF8.GetString(body));
        }
        catch (JsonException ex)
        {
            return ScenarioOutcome.Failure("bad-response", "201 with a body that is not JSON: " + ex.Message);
        }
    }

    public override async Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct)
    {
        var sample = RandomSample(issued, sampleSize);
        var present = 0;
        var missing = new List<string>();
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in sample)
        {
            ScenarioOutcome outcome;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(item.BaseUrl, "api/v1/certificates/" + Uri.EscapeDataString(item.Id)));
                message.Headers.Authorization = context.Bearer;
                using var response = await context.Client.SendAsync(message, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    present++;
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    missing.Add(item.Id);
                    continue;
                }
                outcome = await ScenarioOutcome.UnexpectedStatusAsync(response, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                outcome = ScenarioOutcome.FromException(ex, ct.IsCancellationRequested);
            }
            var kind = outcome.ErrorKind ?? "unknown";
            errors[kind] = errors.GetValueOrDefault(kind) + 1;
        }
        return new VerificationResult("GET /api/v1/certificates/{serial}", issued.Count, sample.Count, present, missing, errors);
    }

    private static List<IssuedItem> RandomSample(IReadOnlyList<IssuedItem> issued, int size)
    {
        if (size >= issued.Count) return [.. issued];
        var picked = new HashSet<int>();
        while (picked.Count < size) picked.Add(Random.Shared.Next(issued.Count));
        return [.. picked.Select(i => issued[i])];
    }
}
