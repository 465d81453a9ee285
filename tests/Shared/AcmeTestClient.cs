using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.TestSupport.Acme;

/// <summary>A small ACME client for tests: an ES256 account key, JWS in flattened JSON, nonces from Replay-Nonce, and knobs to break things.</summary>
internal sealed class AcmeTestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _host;
    private string? _nonce;

    /// <param name="host">A Host header for every request (cluster nodes behind one name), and the URLs' authority.</param>
    public AcmeTestClient(Uri baseAddress, string profile = "web-server", string? host = null)
    {
        _http = new HttpClient { BaseAddress = baseAddress };
        _host = host;
        Base = (host is null ? baseAddress.ToString().TrimEnd('/') : "http://" + host) + "/acme/" + profile;
    }

    /// <summary>The request for <paramref name="url"/>, sent to this client's node whatever authority the URL names.</summary>
    private HttpRequestMessage Request(HttpMethod method, string url)
    {
        var uri = new Uri(url);
        var request = new HttpRequestMessage(method, new Uri(_http.BaseAddress!, uri.PathAndQuery));
        if (_host is not null) request.Headers.Host = _host;
        return request;
    }

    public string Base { get; }
    public ECDsa Key { get; private set; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public string? AccountUrl { get; set; }

    public sealed record Answer(HttpStatusCode Status, JsonNode? Json, string Text, HttpResponseHeaders Headers, string? ContentType)
    {
        public string? ProblemType => Json?["type"]?.GetValue<string>();
        public string? Location => Headers.Location?.ToString();
        public override string ToString() => $"{(int)Status} {Text}";
    }

    public static JsonObject Jwk(ECDsa key)
    {
        var p = key.ExportParameters(false);
        return new JsonObject { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = Base64Url.EncodeToString(p.Q.X), ["y"] = Base64Url.EncodeToString(p.Q.Y) };
    }

    public static string Thumbprint(ECDsa key) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk(key).ToJsonString())));

    public string Thumbprint() => Thumbprint(Key);

    public async Task<string> NonceAsync()
    {
        if (_nonce is { } n) { _nonce = null; return n; }
        using var response = await _http.SendAsync(Request(HttpMethod.Head, Base + "/new-nonce"));
        return response.Headers.GetValues("Replay-Nonce").Single();
    }

    /// <summary>Signs <paramref name="payload"/> (null: POST-as-GET) for <paramref name="url"/> and posts it.</summary>
    public async Task<Answer> PostAsync(string url, object? payload, bool useJwk = false, string? nonce = null, string? urlHeader = null,
        Func<string, string>? tamperPayload = null, string alg = "ES256", ECDsa? key = null, string? kid = null)
    {
        var body = Sign(url, payload, useJwk, nonce ?? await NonceAsync(), urlHeader, tamperPayload, alg, key, kid);
        return await SendAsync(url, body);
    }

    public string Sign(string url, object? payload, bool useJwk, string? nonce, string? urlHeader = null, Func<string, string>? tamperPayload = null,
        string alg = "ES256", ECDsa? key = null, string? kid = null)
    {
        key ??= Key;
        var header = new JsonObject { ["alg"] = alg, ["url"] = urlHeader ?? url };
        if (nonce is not null) header["nonce"] = nonce;
        if (useJwk) header["jwk"] = Jwk(key); else header["kid"] = kid ?? AccountUrl ?? throw new InvalidOperationException("No account yet.");
        var protectedB64 = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadB64 = payload is null ? "" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload is string s ? s : JsonSerializer.Serialize(payload)));
        var signature = key.SignData(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        if (tamperPayload is not null) payloadB64 = tamperPayload(payloadB64);
        return new JsonObject { ["protected"] = protectedB64, ["payload"] = payloadB64, ["signature"] = Base64Url.EncodeToString(signature) }.ToJsonString();
    }

    public async Task<Answer> SendAsync(string url, string body, string contentType = "application/jose+json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = Request(HttpMethod.Post, url);
        request.Content = content;
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Headers.TryGetValues("Replay-Nonce", out var nonces)) _nonce = nonces.First();
        JsonNode? json = null;
        try { json = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null; } catch (JsonException) { }
        return new Answer(response.StatusCode, json, text, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<Answer> NewAccountAsync(object? payload = null)
    {
        var answer = await PostAsync(Base + "/new-account", payload ?? new { termsOfServiceAgreed = true }, useJwk: true);
        if (answer.Status is HttpStatusCode.Created or HttpStatusCode.OK) AccountUrl = answer.Location;
        return answer;
    }

    public async Task<Answer> PollAsync(string url, Func<Answer, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var answer = await PostAsync(url, null);
            if (done(answer) || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(100);
        }
    }

    public void ReplaceKey(ECDsa key) => Key = key;

    public void Dispose() => _http.Dispose();
}

/// <summary>Answers http-01 challenges on loopback for the gateway under test (HttpListener on a free port).</summary>
internal sealed class Http01Responder : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _answers = new();

    public Http01Responder(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = LoopAsync();
    }

    public int Port { get; }

    public void Answer(string token, string keyAuthorization) => _answers[token] = keyAuthorization;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); } catch (Exception) { return; }
            var token = context.Request.Url!.AbsolutePath.Split('/').Last();
            if (context.Request.Url.AbsolutePath.StartsWith("/.well-known/acme-challenge/", StringComparison.Ordinal) && _answers.TryGetValue(token, out var answer))
            {
                var bytes = Encoding.ASCII.GetBytes(answer);
                context.Response.ContentType = "application/octet-stream";
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
