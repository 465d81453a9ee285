using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Scep;

/// <summary>
/// Asks a profile's challenge-validation service whether a challengePassword the gateway did not issue may enroll.
/// POST <c>application/json</c>: <c>{"profile", "transactionId", "messageType", "challenge", "csr" (base64 DER),
/// "subject", "client"}</c>; the service answers 200 with <c>{"allow": true}</c> or <c>{"allow": false, "reason": "…"}</c>.
/// Anything else (another status, no JSON, a timeout, no connection) refuses the request, logged with the cause.
/// </summary>
internal sealed class ScepChallengeWebhook(IHttpClientFactory clients, IOptions<ScepOptions> options, ILogger<ScepChallengeWebhook> logger)
{
    public const string HttpClientName = "scep-challenge-webhook";

    public sealed record Verdict(bool Allowed, string Reason);

    public bool IsConfigured(string profile) => options.Value.ChallengeWebhooks.ContainsKey(profile);

    /// <summary>The requester principal a webhook-validated challenge gets: a hash of it, so retransmissions match and the challenge is never stored.</summary>
    public static string Principal(string challenge) => "webhook:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge)).AsSpan(0, 8));

    public async Task<Verdict> ValidateAsync(string profile, ScepRequest request, byte[] csr, string subject, string challenge, IPAddress? client)
    {
        var webhook = options.Value.ChallengeWebhooks[profile];
        var body = new WebhookRequest(profile, request.Transaction.TransactionId, request.MessageType.ToString(), challenge, Convert.ToBase64String(csr),
            subject, client?.ToString());
        using var timeout = new CancellationTokenSource(webhook.Timeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = JsonContent.Create(body, WebhookJson.Default.WebhookRequest) };
            if (!string.IsNullOrEmpty(webhook.Authorization)) message.Headers.TryAddWithoutValidation("Authorization", webhook.Authorization);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(message, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
                return Refuse(profile, $"the challenge service answered {(int)response.StatusCode}");
            var answer = await response.Content.ReadFromJsonAsync(WebhookJson.Default.WebhookAnswer, timeout.Token);
            if (answer?.Allow is not bool allow) return Refuse(profile, "the challenge service's answer has no boolean 'allow'");
            return allow ? new Verdict(true, "") : new Verdict(false, string.IsNullOrWhiteSpace(answer.Reason) ? "refused by the challenge service" : answer.Reason!);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Refuse(profile, $"the challenge service did not answer within {webhook.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException)
        {
            return Refuse(profile, "the challenge service could not be asked: " + ex.Message);
        }
    }

    private Verdict Refuse(string profile, string cause)
    {
        logger.LogWarning("SCEP challenge validation for profile {Profile} failed: {Cause}.", profile, cause);
        return new Verdict(false, "the challenge could not be validated (" + cause + ")");
    }
}

internal sealed record WebhookRequest(string Profile, string TransactionId, string MessageType, string Challenge, string Csr, string Subject, string? Client);

internal sealed record WebhookAnswer(bool? Allow, string? Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class WebhookJson : JsonSerializerContext;
