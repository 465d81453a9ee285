using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.LoadTests.Acme;
using Gateway.LoadTests.Cli;
using Gateway.LoadTests.Csr;

namespace Gateway.LoadTests.Scenarios;

/// <summary>
/// ACME issuance (RFC 8555) as certbot does it, with account reuse: before the run, the directory
/// (<c>/acme/directory</c> or <c>/acme/&lt;profile&gt;/directory</c>), a pool of ES256 accounts (one per worker by
/// default) and an in-process http-01 responder on <c>--acme-http01-port</c>. One request is a full issuance for the
/// CSR's fresh name: newOrder → the authorization (POST-as-GET) → POST <c>{}</c> to its http-01 challenge → poll the
/// authorization until valid (the gateway validates in the background, fetching the key authorization from the
/// responder) → finalize with the pooled P-256 CSR → poll the order until valid → download the PEM chain, whose leaf
/// must certify the CSR's key and name exactly the identifier. Every POST is a JWS signed here with the BCL; each
/// account keeps the Replay-Nonces of its answers, and a badNonce is retried once with the fresh nonce. Errors are
/// named <c>acme-&lt;problem type&gt;</c> (with the step in the sample), <c>authz-invalid-&lt;type&gt;</c>,
/// <c>order-invalid-&lt;type&gt;</c>, <c>timeout-authz</c>, <c>timeout-order</c>, <c>wrong-certificate</c>, <c>http-NNN</c>.
/// </summary>
internal sealed class AcmeIssueScenario : Scenario
{
    private const string ProblemPrefix = "urn:ietf:params:acme:error:";
    private static readonly MediaTypeHeaderValue Jose = new("application/jose+json");
    private static readonly string EmptyObject = AcmeAccount.Payload("{}");

    private readonly ConcurrentQueue<AcmeAccount> _free = new();
    private AcmeAccount[] _accounts = [];
    private long _nextShared = -1;
    private Http01Responder? _responder;
    private string _newNoncePath = "";
    private string _newOrderPath = "";

    private long _authzPolls;
    private long _orderPolls;
    private long _nonceFetches;
    private long _badNonceRetries;
    private long _completed;

    public override string Name => "acme-issue";

    public override string Description =>
        "ACME: newOrder (fresh name) → http-01 answered in-process → poll authz → finalize (P-256 CSR) → poll order → download: a PEM chain whose leaf certifies the CSR's key and names the identifier";

    public override async Task InitializeAsync(ScenarioContext context, CancellationToken ct)
    {
        var options = context.Options;
        if (options.CommonName is not null)
            throw new UsageException("acme-issue sends CSRs whose CN is their DNS name (an ACME CSR names only the order's identifiers): leave out --common-name");
        var baseUrl = options.BaseUrls[0];
        var directoryPath = options.AcmeProfile is { } profile ? $"acme/{profile}/directory" : "acme/directory";
        using (var response = await context.Client.GetAsync(new Uri(baseUrl, directoryPath), ct))
        {
            if (response.StatusCode != HttpStatusCode.OK)
                throw new UsageException($"GET {new Uri(baseUrl, directoryPath)} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            using var directory = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
            var root = directory.RootElement;
            if (root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("externalAccountRequired", out var eab) && eab.ValueKind == JsonValueKind.True)
                throw new UsageException("the ACME directory requires external account binding; acme-issue makes plain accounts (use a profile with acme-account authentication)");
            _newNoncePath = RelativePath(baseUrl, root.GetProperty("newNonce").GetString());
            _newOrderPath = RelativePath(baseUrl, root.GetProperty("newOrder").GetString());
            var newAccountPath = RelativePath(baseUrl, root.GetProperty("newAccount").GetString());

            var address = IPAddress.Parse(options.AcmeHttp01Address);
            try
            {
                _responder = await Http01Responder.StartAsync(new IPEndPoint(address, options.AcmeHttp01Port), ct);
            }
            catch (IOException ex)
            {
                throw new UsageException($"the http-01 responder cannot listen on {address}:{options.AcmeHttp01Port}: {ex.Message} (--acme-http01-port)");
            }

            var count = options.AcmeAccounts ?? (options.Shape == LoadShapeKind.Rate ? 64 : options.MaxWorkers);
            var watch = Stopwatch.StartNew();
            var accounts = new AcmeAccount[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            {
                var account = new AcmeAccount();
                var answer = await PostAsync(context, baseUrl, account, new Uri(baseUrl, newAccountPath).AbsoluteUri,
                    AcmeAccount.Payload("{\"termsOfServiceAgreed\":true}"), "newAccount", token);
                if (answer.Status is not (201 or 200) || answer.Location is null)
                {
                    var failure = Failure(answer, "newAccount");
                    throw new UsageException($"cannot create an ACME account: {failure.Kind}: {failure.Message}");
                }
                account.KidPath = RelativePath(baseUrl, answer.Location);
                accounts[i] = account;
            });
            _accounts = accounts;
            foreach (var account in accounts) _free.Enqueue(account);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gateway-load: ACME directory {new Uri(baseUrl, directoryPath)}; {count} accounts (ES256) in {watch.Elapsed.TotalSeconds:0.0} s; http-01 responder on {_responder.EndPoint}"));
        }
    }

    public override PreparedRequest Prepare(GeneratedCsr csr, ScenarioContext context) =>
        new(csr.DnsName, Encoding.ASCII.GetBytes(AcmeAccount.Payload($"{{\"csr\":\"{Base64Url.EncodeToString(csr.Der)}\"}}")), csr.SubjectPublicKeyInfo);

    public override async Task<ScenarioOutcome> ExecuteAsync(ScenarioContext context, Uri baseUrl, PreparedRequest request, CancellationToken ct)
    {
        // Closed loop: one account per worker. More requests in flight than accounts (open loop): share round-robin.
        var leased = _free.TryDequeue(out var account);
        if (!leased) account = _accounts[(int)((ulong)Interlocked.Increment(ref _nextShared) % (ulong)_accounts.Length)];
        try
        {
            return await IssueAsync(context, baseUrl, account!, request, ct);
        }
        catch (AcmeStepException ex)
        {
            return ScenarioOutcome.Failure(ex.Kind, ex.Message);
        }
        finally
        {
            if (leased) _free.Enqueue(account!);
        }
    }

    private async Task<ScenarioOutcome> IssueAsync(ScenarioContext context, Uri baseUrl, AcmeAccount account, PreparedRequest request, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(context.Options.TimeoutSeconds * Stopwatch.Frequency);
        var name = request.DnsName;

        // newOrder
        var answer = await PostAsync(context, baseUrl, account, new Uri(baseUrl, _newOrderPath).AbsoluteUri,
            AcmeAccount.Payload($"{{\"identifiers\":[{{\"type\":\"dns\",\"value\":\"{name}\"}}]}}"), "newOrder", ct);
        string orderUrl, authorizationUrl, finalizeUrl;
        using (var order = Expect(answer, 201, "newOrder"))
        {
            orderUrl = answer.Location ?? throw new AcmeStepException("bad-response", "newOrder: 201 without Location");
            var root = order.RootElement;
            authorizationUrl = root.GetProperty("authorizations")[0].GetString()!;
            finalizeUrl = root.GetProperty("finalize").GetString()!;
        }

        // The authorization and its http-01 challenge
        answer = await PostAsync(context, baseUrl, account, authorizationUrl, "", "authorization", ct);
        string status;
        string? token = null, challengeUrl = null;
        using (var authorization = Expect(answer, 200, "authorization"))
        {
            status = authorization.RootElement.GetProperty("status").GetString()!;
            foreach (var challenge in authorization.RootElement.GetProperty("challenges").EnumerateArray())
            {
                if (challenge.GetProperty("type").GetString() != "http-01") continue;
                token = challenge.GetProperty("token").GetString();
                challengeUrl = challenge.GetProperty("url").GetString();
            }
        }
        if (status == "pending")
        {
            if (token is null || challengeUrl is null) throw new AcmeStepException("no-http01-challenge", $"authorization {authorizationUrl} is pending without an http-01 challenge");
            _responder!.Register(token, token + "." + account.Thumbprint);
            try
            {
                answer = await PostAsync(context, baseUrl, account, challengeUrl, EmptyObject, "challenge", ct);
                Expect(answer, 200, "challenge").Dispose();
                var polls = 0;
                while (true)
                {
                    answer = await PostAsync(context, baseUrl, account, authorizationUrl, "", "authorization poll", ct);
                    polls++;
                    using var authorization = Expect(answer, 200, "authorization poll");
                    status = authorization.RootElement.GetProperty("status").GetString()!;
                    if (status is not ("pending" or "processing"))
                    {
                        if (status != "valid")
                        {
                            var (type, detail) = ChallengeError(authorization.RootElement);
                            throw new AcmeStepException("authz-" + status + (type is null ? "" : "-" + type),
                                $"authorization {authorizationUrl} for {name} is {status} after {polls} polls: {detail}");
                        }
                        break;
                    }
                    if (Stopwatch.GetTimestamp() > deadline)
                        throw new AcmeStepException("timeout-authz", $"authorization {authorizationUrl} for {name} still {status} after {polls} polls ({context.Options.TimeoutSeconds:0} s)");
                    await Task.Delay(PollDelay(answer, context), ct);
                }
                Interlocked.Add(ref _authzPolls, polls);
            }
            finally
            {
                _responder.Remove(token);
            }
        }
        else if (status != "valid")
        {
            throw new AcmeStepException("authz-" + status, $"the new order's authorization {authorizationUrl} for {name} is {status}");
        }

        // finalize, then the order until valid
        answer = await PostAsync(context, baseUrl, account, finalizeUrl, Encoding.ASCII.GetString(request.Body), "finalize", ct);
        string? certificateUrl;
        var orderPolls = 0;
        var step = "finalize";
        while (true)
        {
            using (var order = Expect(answer, 200, step))
            {
                status = order.RootElement.GetProperty("status").GetString()!;
                certificateUrl = order.RootElement.TryGetProperty("certificate", out var c) ? c.GetString() : null;
                if (status is not ("processing" or "pending" or "ready"))
                {
                    if (status != "valid")
                    {
                        var (type, detail) = Problem(order.RootElement, "error");
                        throw new AcmeStepException("order-" + status + (type is null ? "" : "-" + type), $"order {orderUrl} for {name} is {status} after finalize: {detail}");
                    }
                    break;
                }
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new AcmeStepException("timeout-order", $"order {orderUrl} for {name} still {status} after finalize and {orderPolls} polls ({context.Options.TimeoutSeconds:0} s)");
            await Task.Delay(PollDelay(answer, context), ct);
            answer = await PostAsync(context, baseUrl, account, orderUrl, "", step = "order poll", ct);
            orderPolls++;
        }
        Interlocked.Add(ref _orderPolls, orderPolls);
        if (certificateUrl is null) throw new AcmeStepException("bad-response", $"order {orderUrl} is valid without a certificate URL");

        // the certificate
        answer = await PostAsync(context, baseUrl, account, certificateUrl, "", "certificate", ct);
        if (answer.Status != 200) throw Failure(answer, "certificate");
        if (!string.Equals(answer.MediaType, "application/pem-certificate-chain", StringComparison.OrdinalIgnoreCase))
            throw new AcmeStepException("bad-content-type", $"certificate: 200 with Content-Type '{answer.MediaType}', not application/pem-certificate-chain");
        if (!CertificateCheck.TryReadPemChain(Encoding.ASCII.GetString(answer.Body), out var chain, out var error))
            throw new AcmeStepException("bad-pem", "certificate: " + error);
        if (!CertificateCheck.TryFindForKey([chain[0]], request.SubjectPublicKeyInfo, out var serial, out error))
            throw new AcmeStepException("wrong-certificate", "the chain's first certificate: " + error);
        if (!CertificateCheck.TryReadDnsNames(chain[0], out var names, out error)) throw new AcmeStepException("wrong-certificate", error);
        if (names.Count != 1 || !string.Equals(names[0], name, StringComparison.OrdinalIgnoreCase))
            throw new AcmeStepException("wrong-certificate", $"the certificate (serial {serial}) names [{string.Join(", ", names)}], not exactly {name}");
        Interlocked.Increment(ref _completed);
        return ScenarioOutcome.Success(serial);
    }

    public override Task<VerificationResult?> VerifyAsync(ScenarioContext context, IReadOnlyList<IssuedItem> issued, int sampleSize, CancellationToken ct)
    {
        var completed = Math.Max(1, Interlocked.Read(ref _completed));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway-load: acme-issue: {Interlocked.Read(ref _completed)} issuances (warm-up included); per issuance {Interlocked.Read(ref _authzPolls) / (double)completed:0.00} authorization polls, "
            + $"{Interlocked.Read(ref _orderPolls) / (double)completed:0.00} order polls; {Interlocked.Read(ref _nonceFetches)} new-nonce fetches, "
            + $"{Interlocked.Read(ref _badNonceRetries)} badNonce retries; http-01 responder: {_responder?.Answered} answered, {_responder?.Unknown} unknown, "
            + $"{_responder?.Registered} tokens still registered"));
        return context.Bearer is null ? Task.FromResult<VerificationResult?>(null) : IssuedSample.VerifyAsync(context, issued, sampleSize, ct);
    }

    // ---- the JWS round trip ----

    private readonly record struct AcmeAnswer(int Status, byte[] Body, string? Location, TimeSpan? RetryAfter, string? MediaType);

    /// <summary>
    /// POSTs <paramref name="payload"/> (base64url; "" for POST-as-GET) to <paramref name="url"/> as a JWS of
    /// <paramref name="account"/> with one of its nonces; keeps the answer's Replay-Nonce; on badNonce retries once.
    /// </summary>
    private async Task<AcmeAnswer> PostAsync(ScenarioContext context, Uri baseUrl, AcmeAccount account, string url, string payload, string step, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var nonce = account.Nonces.TryDequeue(out var pooled) ? pooled : await NewNonceAsync(context, baseUrl, step, ct);
            var kid = account.KidPath is null ? null : baseUrl.AbsoluteUri + account.KidPath;
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(account.Sign(url, nonce, kid, payload)) };
            message.Content.Headers.ContentType = Jose;
            using var response = await context.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces))
            {
                foreach (var fresh in nonces) account.Nonces.Enqueue(fresh);
            }
            var retryAfter = response.Headers.RetryAfter is { } r ? r.Delta ?? (r.Date is { } date ? date - DateTimeOffset.UtcNow : null) : null;
            var answer = new AcmeAnswer((int)response.StatusCode, body, response.Headers.Location?.AbsoluteUri, retryAfter, response.Content.Headers.ContentType?.MediaType);
            if (attempt == 0 && answer.Status == 400 && ProblemType(answer) == "badNonce")
            {
                Interlocked.Increment(ref _badNonceRetries);
                continue;
            }
            return answer;
        }
    }

    private async Task<string> NewNonceAsync(ScenarioContext context, Uri baseUrl, string step, CancellationToken ct)
    {
        Interlocked.Increment(ref _nonceFetches);
        using var message = new HttpRequestMessage(HttpMethod.Head, new Uri(baseUrl, _newNoncePath));
        using var response = await context.Client.SendAsync(message, ct);
        if (response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } nonce) return nonce;
        throw new AcmeStepException("no-nonce", $"{step}: HEAD new-nonce answered {(int)response.StatusCode} without Replay-Nonce");
    }

    private TimeSpan PollDelay(AcmeAnswer answer, ScenarioContext context)
    {
        var cap = TimeSpan.FromMilliseconds(context.Options.AcmePollMs);
        return answer.RetryAfter is { } retry && retry < cap ? (retry > TimeSpan.Zero ? retry : TimeSpan.FromMilliseconds(1)) : cap;
    }

    private static JsonDocument Expect(AcmeAnswer answer, int status, string step)
    {
        if (answer.Status != status) throw Failure(answer, step);
        try
        {
            return JsonDocument.Parse(answer.Body);
        }
        catch (JsonException)
        {
            throw new AcmeStepException("bad-response", $"{step}: {status} whose body is not JSON");
        }
    }

    /// <summary>A problem document (RFC 7807) as <c>acme-&lt;type&gt;</c>; any other unexpected answer as <c>http-NNN</c>.</summary>
    private static AcmeStepException Failure(AcmeAnswer answer, string step)
    {
        var text = Encoding.UTF8.GetString(answer.Body);
        if (ProblemType(answer) is { } type) return new AcmeStepException("acme-" + type, $"{step}: {answer.Status} {text}");
        return new AcmeStepException("http-" + answer.Status.ToString(CultureInfo.InvariantCulture), $"{step}: {answer.Status} {text}");
    }

    private static string? ProblemType(AcmeAnswer answer)
    {
        if (!string.Equals(answer.MediaType, "application/problem+json", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            using var problem = JsonDocument.Parse(answer.Body);
            var type = problem.RootElement.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            return type.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? type[ProblemPrefix.Length..] : type.Length > 0 ? type : "untyped";
        }
        catch (JsonException)
        {
            return "unparsable";
        }
    }

    /// <summary>The error of the first challenge that has one: (short type, detail).</summary>
    private static (string? Type, string Detail) ChallengeError(JsonElement authorization)
    {
        foreach (var challenge in authorization.GetProperty("challenges").EnumerateArray())
        {
            var (type, detail) = Problem(challenge, "error");
            if (type is not null) return (type, challenge.GetProperty("type").GetString() + ": " + detail);
        }
        return (null, "no challenge error given: " + authorization.GetRawText());
    }

    private static (string? Type, string Detail) Problem(JsonElement owner, string property)
    {
        if (!owner.TryGetProperty(property, out var error) || error.ValueKind != JsonValueKind.Object) return (null, "(no error)");
        var type = error.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type.StartsWith(ProblemPrefix, StringComparison.Ordinal)) type = type[ProblemPrefix.Length..];
        return (type.Length == 0 ? "untyped" : type, error.GetRawText());
    }

    private static string RelativePath(Uri baseUrl, string? absolute)
    {
        if (absolute is null || !absolute.StartsWith(baseUrl.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"the ACME URL '{absolute}' is not under the target {baseUrl} (does the gateway see another Host?)");
        return absolute[baseUrl.AbsoluteUri.Length..];
    }

    /// <summary>One step of an issuance went wrong: <see cref="Kind"/> is what the report counts.</summary>
    private sealed class AcmeStepException(string kind, string message) : Exception(message)
    {
        public string Kind { get; } = kind;
    }
}
