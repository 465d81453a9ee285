using System.Net;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// What one request came to. A failure has a short <see cref="ErrorKind"/> to count by (<c>http-500</c>,
/// <c>timeout</c>, <c>HttpRequestException(ConnectionError)</c>, <c>bad-response</c>) and a detail kept as a sample.
/// </summary>
internal readonly record struct ScenarioOutcome(bool Ok, string? ErrorKind, string? ErrorDetail, string? IssuedId)
{
    private const int MaxDetail = 600;

    public static ScenarioOutcome Success(string? issuedId = null) => new(true, null, null, issuedId);

    public static ScenarioOutcome Failure(string kind, string? detail) => new(false, kind, Truncate(detail), null);

    /// <summary>An answer with the wrong status: the kind is the status code, the detail the start of the body.</summary>
    public static async Task<ScenarioOutcome> UnexpectedStatusAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = "(body unreadable: " + ex.Message + ")";
        }
        return Failure("http-" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
    }

    /// <summary>A request that got no usable answer.</summary>
    public static ScenarioOutcome FromException(Exception ex, bool runCancelled)
    {
        return ex switch
        {
            TaskCanceledException when runCancelled => Failure("cancelled", "the run was stopped"),
            // HttpClient.Timeout surfaces as a TaskCanceledException (inner TimeoutException).
            TaskCanceledException => Failure("timeout", ex.Message),
            HttpRequestException h => Failure($"HttpRequestException({h.HttpRequestError})",
                h.StatusCode is HttpStatusCode code ? $"{(int)code}: {h.Message}" : Describe(h)),
            _ => Failure(ex.GetType().Name, Describe(ex)),
        };
    }

    private static string Describe(Exception ex) =>
        ex.InnerException is null ? ex.Message : ex.Message + " ← " + Describe(ex.InnerException);

    private static string? Truncate(string? s) =>
        s is null || s.Length <= MaxDetail ? s : s[..MaxDetail] + "…";
}
