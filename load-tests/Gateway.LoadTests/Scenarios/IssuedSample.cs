using System.Net;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// The durability check: after the run, <c>GET {node}/api/v1/certificates/{serial}</c> (admin API key) for a random
/// sample of the serials that were answered as issued, each on the node that answered it. A 404 is a certificate the
/// client holds but the store does not: the promise "nothing is returned before its event is committed" broken.
/// </summary>
internal static class IssuedSample
{
    public static async Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct)
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
