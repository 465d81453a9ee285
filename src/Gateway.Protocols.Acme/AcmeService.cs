using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Contracts;
using Gateway.Contracts.Acme;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Pkix;
using Gateway.Protocols.Acme.Jws;
using Gateway.Protocols.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Acme;

/// <summary>
/// The ACME request pipeline (Boulder's wfe): body size, JWS structure, nonce, url header, account and signature, then
/// the resource. Cheap refusals come first: a request is parsed and its nonce checked (one HMAC, one in-memory grain
/// call) before any account is loaded or any signature verified.
/// </summary>
public sealed class AcmeService(
    IEnrollmentPort port,
    IAcmePort acme,
    AcmeNonces nonces,
    CredentialFailureLimiter failures,
    AcmeRateLimits limits,
    IOptions<AcmeOptions> options,
    TimeProvider time,
    ILogger<AcmeService> logger)
{
    private const int MaxContacts = 10;

    public void AddNonce(HttpContext http) => http.Response.Headers["Replay-Nonce"] = nonces.Issue();

    public ValueTask<EnrollmentProfile?> ResolveProfileAsync(string name) => port.ResolveProfileAsync(EnrollmentProtocol.Acme, name);

    /// <summary>EAB is required when the profile admits ACME requesters only through a bound credential (<c>eab</c> without <c>acme-account</c>).</summary>
    public static bool ExternalAccountRequired(EnrollmentProfile profile) =>
        !profile.Summary.AuthenticationMethods.Contains(AuthenticationMethods.AcmeAccount, StringComparer.Ordinal);

    private sealed record Request(HttpContext Http, EnrollmentProfile Profile, AcmeUrls Urls, JwsMessage Jws, AcmeAccountInfo? Account, string Path);

    public async Task<IResult> PostAsync(HttpContext http, string profileName, string path)
    {
        try
        {
            var contentType = http.Request.ContentType;
            if (contentType is null || !contentType.Split(';')[0].Trim().Equals(AcmeEndpoints.JoseMediaType, StringComparison.OrdinalIgnoreCase))
                throw new AcmeProblem("malformed", $"An ACME request has Content-Type {AcmeEndpoints.JoseMediaType}.", 415);
            var profile = await ResolveProfileAsync(profileName) ?? throw new AcmeProblem("malformed", $"No profile '{profileName}' that allows ACME.", 404);
            var body = await RequestBodies.ReadLimitedAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted)
                ?? throw new AcmeProblem("malformed", $"An ACME request is at most {options.Value.MaxRequestBytes} bytes.", 413);
            var jws = JwsMessage.Parse(body);
            var url = AcmeEndpoints.RequestUrl(http);
            if (!string.Equals(jws.Url, url, StringComparison.Ordinal))
                throw AcmeProblem.Unauthorized($"The JWS url header '{Truncate(jws.Url)}' is not the URL this request was sent to ({url}).");
            if (!await nonces.TryConsumeAsync(jws.Nonce))
                throw new AcmeProblem("badNonce", "The nonce is unknown, expired or used already; retry with the Replay-Nonce of this answer.");

            var urls = new AcmeUrls(AcmeEndpoints.BaseUrl(http), profile.Name);
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            // newAccount is signed with the account's key (jwk); revokeCert with either; everything else by an account (kid).
            if (segments is ["new-account"]) return await NewAccountAsync(new Request(http, profile, urls, Verified(jws, jws.Jwk, "newAccount"), null, path));
            if (segments is ["revoke-cert"] && jws.Jwk is not null) return await RevokeAsync(new Request(http, profile, urls, jws, null, path));
            var account = await AccountOfAsync(jws, urls);
            var request = new Request(http, profile, urls, jws, account, path);
            return segments switch
            {
                ["acct", var id] => await AccountAsync(request, id),
                ["acct", var id, "orders"] => await OrdersAsync(request, id),
                ["new-order"] => await NewOrderAsync(request),
                ["order", var id] => await OrderAsync(request, id),
                ["order", var id, "finalize"] => await FinalizeAsync(request, id),
                ["authz", var id] => await AuthorizationAsync(request, id),
                ["chall", var authorizationId, var type] => await ChallengeAsync(request, authorizationId, type),
                ["cert", var orderId] => await CertificateAsync(request, orderId),
                ["revoke-cert"] => await RevokeAsync(request),
                ["key-change"] => await KeyChangeAsync(request),
                _ => throw new AcmeProblem("malformed", $"No ACME resource at {url}.", 404),
            };
        }
        catch (AcmeProblem problem)
        {
            return AcmeEndpoints.Problem(http, problem);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            logger.LogWarning(ex, "ACME request to {Path} failed: the cluster or the store is unavailable", http.Request.Path);
            http.Response.Headers.RetryAfter = "5";
            return AcmeEndpoints.Problem(http, new AcmeProblem("serverInternal", "The gateway cannot answer right now; retry shortly.", 503));
        }
    }

    private static bool IsUnavailable(Exception ex) => ex is TimeoutException or OperationCanceledException or Orleans.Runtime.OrleansException
        || ex.GetType().Name is "StoreFailure" or "CommitQueueFullException" or "NpgsqlException";

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    private static JwsMessage Verified(JwsMessage jws, AcmeJwk? key, string what)
    {
        if (key is null) throw AcmeProblem.Malformed($"A {what} request is signed with the jwk header, not kid.");
        if (!jws.VerifyWith(key)) throw AcmeProblem.Unauthorized("The JWS signature does not verify.");
        return jws;
    }

    private async Task<AcmeAccountInfo> AccountOfAsync(JwsMessage jws, AcmeUrls urls)
    {
        if (jws.Kid is null) throw AcmeProblem.Malformed("This request is signed by an account: use the kid header with the account URL.");
        var prefix = urls.Account("");
        if (!jws.Kid.StartsWith(prefix, StringComparison.Ordinal) || !IsResourceId(jws.Kid.AsSpan(prefix.Length)))
            throw new AcmeProblem("accountDoesNotExist", "The kid is not an account URL of this directory.");
        var account = await acme.GetAccountAsync(jws.Kid[prefix.Length..]) ?? throw new AcmeProblem("accountDoesNotExist", "No such account.");
        if (account.Profile != urls.Profile) throw new AcmeProblem("accountDoesNotExist", "The account belongs to another directory.");
        AcmeJwk key;
        using (var document = JsonDocument.Parse(account.Jwk)) key = AcmeJwk.Parse(document.RootElement);
        if (key.Algorithm != jws.Alg) throw AcmeProblem.BadSignatureAlgorithm($"The account key signs with {key.Algorithm}, not {jws.Alg}.", JwsMessage.Algorithms);
        if (!jws.VerifyWith(key)) throw AcmeProblem.Unauthorized("The JWS signature does not verify with the account's key.");
        if (account.Status != "valid") throw AcmeProblem.Unauthorized($"The account is {account.Status}.");
        return account;
    }

    private IResult Answer(Request r, JsonNode body, int status, string? location = null)
    {
        AddNonce(r.Http);
        r.Http.Response.Headers.CacheControl = "no-store";
        r.Http.Response.Headers.Append("Link", $"<{r.Urls.Directory}>;rel=\"index\"");
        if (location is not null) r.Http.Response.Headers.Location = location;
        return AcmeEndpoints.Json(r.Http, body, status);
    }

    private static JsonElement Payload(JwsMessage jws)
    {
        if (jws.IsPostAsGet) throw AcmeProblem.Malformed("This request needs a JSON object payload.");
        try
        {
            using var document = JsonDocument.Parse(jws.Payload, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("The payload is not a JSON object.");
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw AcmeProblem.Malformed("The payload is not JSON.");
        }
    }

    private static void RequirePostAsGet(JwsMessage jws, string what)
    {
        if (!jws.IsPostAsGet) throw AcmeProblem.Malformed($"{what} is fetched with POST-as-GET (an empty payload).");
    }

    // ---- accounts ----

    private async Task<IResult> NewAccountAsync(Request r)
    {
        var payload = Payload(r.Jws);
        var jwk = r.Jws.Jwk!;
        var existing = await acme.FindAccountByKeyAsync(jwk.Thumbprint);
        if (existing is not null)
        {
            if (existing.Status != "valid") throw AcmeProblem.Unauthorized($"The account of this key is {existing.Status}.");
            // An account lives in the directory it registered at (its URLs are there); a key has one account, ever.
            if (existing.Profile != r.Profile.Name)
                throw AcmeProblem.Unauthorized($"This key's account is registered at the {existing.Profile} directory; use another key here.");
            return Answer(r, AcmeResponses.Account(existing, r.Urls), StatusCodes.Status200OK, r.Urls.Account(existing.Id));
        }
        if (Bool(payload, "onlyReturnExisting") == true) throw new AcmeProblem("accountDoesNotExist", "No account exists with this key.");
        var contacts = Contacts(payload);
        var agreed = Bool(payload, "termsOfServiceAgreed") == true;
        if (!string.IsNullOrWhiteSpace(options.Value.TermsOfService) && !agreed)
            throw new AcmeProblem("userActionRequired", $"Agree to the terms of service ({options.Value.TermsOfService}) with termsOfServiceAgreed: true.", 403);

        string? credentialId = null;
        if (payload.TryGetProperty("externalAccountBinding", out var binding))
        {
            var eab = ExternalAccountBinding.Parse(binding, r.Jws);
            credentialId = await VerifyBindingAsync(r, eab);
        }
        else if (ExternalAccountRequired(r.Profile))
        {
            throw new AcmeProblem("externalAccountRequired", $"The profile {r.Profile.Name} binds every account to an enrollment credential: send externalAccountBinding.");
        }
        else if (!AuthenticationMethods.IsAllowed(r.Profile.Summary.AuthenticationMethods, AuthenticationMethods.AcmeAccount))
        {
            throw AcmeProblem.Unauthorized($"The profile {r.Profile.Name} does not admit ACME accounts.");
        }

        if (!limits.TryNewAccount(r.Http.Connection.RemoteIpAddress, out var accountRetry))
            throw RateLimited(r.Http, accountRetry, "Too many new accounts from this address; retry later.");
        var created = await acme.CreateAccountAsync(new AcmeNewAccount(r.Profile.Name, jwk.CanonicalJson(), jwk.Thumbprint, contacts, agreed, credentialId));
        var creation = Unwrap(created);
        var json = AcmeResponses.Account(creation.Account, r.Urls);
        // RFC 8555 §7.3.4: the account object echoes the binding that created it.
        if (creation.Account.EabCredentialId is not null && binding.ValueKind == JsonValueKind.Object) json["externalAccountBinding"] = JsonNode.Parse(binding.GetRawText());
        return Answer(r, json, creation.Existed ? StatusCodes.Status200OK : StatusCodes.Status201Created, r.Urls.Account(creation.Account.Id));
    }

    private async Task<string> VerifyBindingAsync(Request r, ExternalAccountBinding eab)
    {
        var client = r.Http.Connection.RemoteIpAddress;
        var mac = await port.GetCredentialMacKeyAsync(r.Profile, eab.KeyId, client);
        switch (mac.Check.Status)
        {
            case CredentialCheckStatus.Throttled:
                throw RateLimited(r.Http, mac.Check.RetryAfter ?? TimeSpan.FromSeconds(60), "Too many failed authentications from this address; retry later.");
            case CredentialCheckStatus.Valid when mac.Key is not null:
                break;
            case CredentialCheckStatus.NotFound:
                throw AcmeProblem.Unauthorized("The external account binding's key id is not a credential of this profile.");
            default:
                throw AcmeProblem.Unauthorized($"The external account binding's credential may not be used: {mac.Check.Reason}.");
        }
        var hmacKey = CredentialSecrets.HmacKey(Encoding.UTF8.GetString(mac.Key!));
        if (!eab.Verify(hmacKey))
        {
            failures.RecordFailure(client);
            throw AcmeProblem.Unauthorized("The external account binding's MAC does not verify with that credential.");
        }
        return eab.KeyId;
    }

    private async Task<IResult> AccountAsync(Request r, string id)
    {
        var account = r.Account!;
        if (id != account.Id) throw AcmeProblem.Unauthorized("The account URL is not the signer's account.");
        if (r.Jws.IsPostAsGet) return Answer(r, AcmeResponses.Account(account, r.Urls), StatusCodes.Status200OK, r.Urls.Account(account.Id));
        var payload = Payload(r.Jws);
        if (payload.TryGetProperty("status", out var status))
        {
            if (status.ValueKind != JsonValueKind.String || status.GetString() != "deactivated")
                throw AcmeProblem.Malformed("An account's status can only be set to \"deactivated\".");
            account = Unwrap(await acme.DeactivateAccountAsync(account.Id));
        }
        if (payload.TryGetProperty("contact", out _)) account = Unwrap(await acme.UpdateAccountContactsAsync(account.Id, Contacts(payload)));
        return Answer(r, AcmeResponses.Account(account, r.Urls), StatusCodes.Status200OK, r.Urls.Account(account.Id));
    }

    private async Task<IResult> OrdersAsync(Request r, string id)
    {
        if (id != r.Account!.Id) throw AcmeProblem.Unauthorized("The orders URL is not the signer's account's.");
        RequirePostAsGet(r.Jws, "The orders list");
        // RFC 8555 §7.1.2.1: pending, ready, processing and valid orders (not failed or expired ones), newest first.
        var ids = await acme.ListOrdersAsync(id, MaxOrdersListed);
        return Answer(r, new JsonObject { ["orders"] = new JsonArray([.. ids.Select(o => (JsonNode)JsonValue.Create(r.Urls.Order(o))!)]) }, StatusCodes.Status200OK);
    }

    private const int MaxOrdersListed = 1000;

    private async Task<IResult> KeyChangeAsync(Request r)
    {
        // RFC 8555 §7.3.5: the payload is a JWS signed by the new key, whose payload names the account and the old key.
        var outer = r.Jws;
        var inner = JwsMessage.Parse(outer.Payload, requireNonce: false);
        if (inner.Jwk is null) throw AcmeProblem.Malformed("The inner JWS of a key change carries the new key as jwk.");
        if (inner.Url != outer.Url) throw AcmeProblem.Malformed("The inner JWS's url differs from the outer one's.");
        if (!inner.VerifyWith(inner.Jwk)) throw AcmeProblem.Malformed("The inner JWS's signature does not verify with the new key.");
        var payload = Payload(inner);
        var account = r.Account!;
        if (String(payload, "account") != r.Urls.Account(account.Id)) throw AcmeProblem.Unauthorized("The key change names another account.");
        if (!payload.TryGetProperty("oldKey", out var oldKeyElement)) throw AcmeProblem.Malformed("The key change names no oldKey.");
        var oldKey = AcmeJwk.Parse(oldKeyElement);
        if (oldKey.Thumbprint != account.Thumbprint) throw AcmeProblem.Unauthorized("oldKey is not the account's current key.");
        if (await acme.FindAccountByKeyAsync(inner.Jwk.Thumbprint) is { } holder)
        {
            r.Http.Response.Headers.Location = r.Urls.Account(holder.Id);
            throw new AcmeProblem("conflict", "The new key belongs to an account already.", 409);
        }
        var changed = Unwrap(await acme.ChangeAccountKeyAsync(account.Id, account.Thumbprint, inner.Jwk.CanonicalJson(), inner.Jwk.Thumbprint));
        return Answer(r, AcmeResponses.Account(changed, r.Urls), StatusCodes.Status200OK, r.Urls.Account(changed.Id));
    }

    // ---- orders ----

    private async Task<IResult> NewOrderAsync(Request r)
    {
        var payload = Payload(r.Jws);
        if (!payload.TryGetProperty("identifiers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw AcmeProblem.Malformed("newOrder needs a non-empty identifiers array.");
        if (list.GetArrayLength() > options.Value.MaxIdentifiersPerOrder)
            throw new AcmeProblem("rejectedIdentifier", $"An order names at most {options.Value.MaxIdentifiersPerOrder} identifiers.");
        var identifiers = new List<AcmeIdentifier>();
        var subproblems = new List<JsonNode>();
        foreach (var item in list.EnumerateArray())
        {
            var identifier = AcmeIdentifiers.Parse(item, out var problem);
            if (identifier is null)
            {
                subproblems.Add(new JsonObject
                {
                    ["type"] = AcmeProblem.Prefix + "rejectedIdentifier",
                    ["detail"] = problem,
                    ["identifier"] = item.ValueKind == JsonValueKind.Object ? JsonNode.Parse(item.GetRawText()) : null,
                });
                continue;
            }
            if (!identifiers.Any(i => AcmeIdentifiers.Normalized(i) == AcmeIdentifiers.Normalized(identifier))) identifiers.Add(identifier);
        }
        if (subproblems.Count > 0)
            throw new AcmeProblem("rejectedIdentifier", "Some identifiers cannot be ordered; see subproblems.") { Subproblems = subproblems };
        var orderProfile = await OrderProfileAsync(r, String(payload, "profile"));
        // Identifiers the profile would never issue are refused now: nothing is written for them and the gateway never
        // connects anywhere to validate them (validation only reaches names the policy allows).
        var refusals = await acme.CheckIdentifiersAsync(orderProfile.Name, identifiers)
            ?? throw new AcmeProblem("invalidProfile", $"The profile {orderProfile.Name} is not available.");
        var refused = identifiers.Zip(refusals).Where(p => p.Second is not null).ToList();
        if (refused.Count > 0)
        {
            throw new AcmeProblem("rejectedIdentifier", $"The profile {orderProfile.Name} does not issue {string.Join(", ", refused.Select(p => p.First.Value))}.")
            {
                Subproblems = [.. refused.Select(p => (JsonNode)new JsonObject
                {
                    ["type"] = AcmeProblem.Prefix + "rejectedIdentifier",
                    ["detail"] = p.Second,
                    ["identifier"] = new JsonObject { ["type"] = p.First.Type, ["value"] = p.First.Value },
                })],
            };
        }
        var notBefore = Timestamp(payload, "notBefore");
        var notAfter = Timestamp(payload, "notAfter");
        if (notBefore is not null || notAfter is not null)
            throw AcmeProblem.Malformed("notBefore and notAfter are not supported: the profile sets the validity.");
        var replaces = String(payload, "replaces");
        if (replaces is not null) replaces = await CheckReplacesAsync(r, replaces);

        if (!limits.TryNewOrder(r.Account!.Id, out var orderRetry)) throw RateLimited(r.Http, orderRetry, "Too many new orders for this account; retry later.");
        var preAuthorized = await PreAuthorizedAsync(r, orderProfile, identifiers);
        var order = Unwrap(await acme.CreateOrderAsync(new AcmeNewOrder(r.Account!.Id, orderProfile.Name, identifiers, null, null, replaces, preAuthorized,
            options.Value.OrderLifetime, options.Value.AuthorizationLifetime)));
        return Answer(r, AcmeResponses.Order(order, r.Urls), StatusCodes.Status201Created, r.Urls.Order(order.Id));
    }

    /// <summary>
    /// Identifiers an account bound to a credential gets without a challenge: those the credential's subjects cover,
    /// when the profile allows EAB (internal networks the gateway cannot reach). Recorded on the authorization.
    /// </summary>
    private async Task<IReadOnlyList<AcmeIdentifier>> PreAuthorizedAsync(Request r, EnrollmentProfile profile, IReadOnlyList<AcmeIdentifier> identifiers)
    {
        if (!options.Value.PreAuthorizedProfiles.Contains(profile.Name, StringComparer.Ordinal) || r.Account!.EabCredentialId is not { } credentialId) return [];
        var subjects = await acme.GetCredentialSubjectsAsync(credentialId);
        if (subjects is null || subjects.Count == 0) return [];
        return [.. identifiers.Where(i => subjects.Any(s => AcmeIdentifiers.Covers(s, i)))];
    }

    /// <summary>meta.profiles: each profile this directory offers that allows ACME, with a line about it.</summary>
    public async Task<JsonObject> OfferedProfilesAsync(EnrollmentProfile directory)
    {
        var profiles = new JsonObject();
        foreach (var name in options.Value.ProfilesOffered(directory.Name))
        {
            if (await ResolveProfileAsync(name) is not { } profile) continue;
            var names = profile.Summary.AuthenticationMethods.Contains(AuthenticationMethods.AcmeAccount, StringComparer.Ordinal) ? "" : " (accounts bound by EAB)";
            profiles[profile.Name] = $"Gateway profile {profile.Name}: {string.Join(", ", profile.Summary.ExtendedKeyUsages)} certificates{names}";
        }
        return profiles;
    }

    /// <summary>
    /// The profile a newOrder asks for (draft-ietf-acme-profiles), or the directory's own: one the directory offers, that
    /// allows ACME and admits this account (bound by EAB: the credential's profile must admit <c>eab</c>, which the
    /// enrollment checks again with the credential; unbound: <c>acme-account</c>).
    /// </summary>
    private async Task<EnrollmentProfile> OrderProfileAsync(Request r, string? requested)
    {
        if (requested is null || requested == r.Profile.Name) return CheckAdmits(r, r.Profile);
        if (!options.Value.ProfilesOffered(r.Profile.Name).Contains(requested, StringComparer.Ordinal) || await ResolveProfileAsync(requested) is not { } profile)
            throw new AcmeProblem("invalidProfile", $"This directory does not offer the profile '{Truncate(requested)}' (see meta.profiles).");
        return CheckAdmits(r, profile);
    }

    private static EnrollmentProfile CheckAdmits(Request r, EnrollmentProfile profile)
    {
        var method = r.Account!.EabCredentialId is null ? AuthenticationMethods.AcmeAccount : AuthenticationMethods.ExternalAccountBinding;
        if (!AuthenticationMethods.IsAllowed(profile.Summary.AuthenticationMethods, method))
            throw new AcmeProblem("invalidProfile", method == AuthenticationMethods.AcmeAccount
                ? $"The profile {profile.Name} admits only accounts bound to one of its credentials (externalAccountBinding)."
                : $"The profile {profile.Name} does not admit accounts bound by EAB.");
        return profile;
    }

    /// <summary>
    /// The ARI <c>replaces</c> to record, or null: an unknown, malformed or foreign certificate is ignored rather than
    /// failing the order (clients send what an earlier CA issued; pebble#550), one of the account's certificates that a
    /// live order replaces already is <c>alreadyReplaced</c> (RFC 9773 §5).
    /// </summary>
    private async Task<string?> CheckReplacesAsync(Request r, string replaces)
    {
        if (AcmeRenewalInfo.SerialOf(replaces) is not { } serial) return null;
        var certificate = await port.GetCertificateAsync(serial);
        if (certificate is null || !OwnedBy(certificate, r.Account!)) return null;
        if (await acme.IsReplacedAsync(r.Account!.Id, replaces))
            throw new AcmeProblem("alreadyReplaced", "Another order replaces this certificate already (RFC 9773 §5).", 409);
        return replaces;
    }

    private async Task<AcmeOrderInfo> OwnOrderAsync(Request r, string id)
    {
        var order = IsResourceId(id) ? await acme.GetOrderAsync(id) : null;
        if (order is null) throw new AcmeProblem("malformed", "No such order.", 404);
        if (order.AccountId != r.Account!.Id) throw AcmeProblem.Unauthorized("The order belongs to another account.");
        return order;
    }

    private async Task<IResult> OrderAsync(Request r, string id)
    {
        RequirePostAsGet(r.Jws, "An order");
        var order = await OwnOrderAsync(r, id);
        return OrderAnswer(r, order, StatusCodes.Status200OK);
    }

    private IResult OrderAnswer(Request r, AcmeOrderInfo order, int status)
    {
        if (order.RetryAfter is { } retry) r.Http.Response.Headers.RetryAfter = ((int)Math.Max(1, Math.Ceiling(retry.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Answer(r, AcmeResponses.Order(order, r.Urls), status, r.Urls.Order(order.Id));
    }

    private async Task<IResult> FinalizeAsync(Request r, string id)
    {
        var payload = Payload(r.Jws);
        var order = await OwnOrderAsync(r, id);
        if (order.Status != "ready")
            throw new AcmeProblem("orderNotReady", $"The order is {order.Status}: finalize needs it ready (every authorization valid).", 403);
        var csrText = String(payload, "csr") ?? throw AcmeProblem.Malformed("finalize needs the csr (base64url DER).");
        if (!JwsBase64.TryDecode(csrText, out var csrDer) || !Gateway.Pkix.Csr.Pkcs10Request.TryParse(csrDer, out var csr, out var csrError) || csr is null)
            throw new AcmeProblem("badCSR", "The csr is not a base64url DER PKCS#10 request.");
        _ = csrError;
        CheckCsrNames(csr, order.Identifiers);
        var account = r.Account!;
        var requester = account.EabCredentialId is { } credentialId
            ? new Requester(AuthenticationMethods.ExternalAccountBinding, credentialId, new Dictionary<string, string> { ["acme-account"] = account.Id })
            : new Requester(AuthenticationMethods.AcmeAccount, account.Id);
        var finalized = Unwrap(await acme.FinalizeOrderAsync(order.Id, account.Id, csrDer, requester));
        logger.LogInformation("ACME finalize {OrderId} by account {AccountId}: {Status}", order.Id, account.Id, finalized.Status);
        return OrderAnswer(r, finalized, StatusCodes.Status200OK);
    }

    /// <summary>RFC 8555 §7.4: the CSR names exactly the order's identifiers (SANs; a CN, if any, is one of them).</summary>
    private static void CheckCsrNames(Gateway.Pkix.Csr.Pkcs10Request csr, IReadOnlyList<AcmeIdentifier> identifiers)
    {
        var requested = new HashSet<AcmeIdentifier>();
        foreach (var san in csr.SubjectAltNames)
        {
            requested.Add(san.Kind switch
            {
                SubjectAltNameKind.Dns => new AcmeIdentifier("dns", san.Value.ToLowerInvariant()),
                SubjectAltNameKind.Ip => new AcmeIdentifier("ip", IPAddress.TryParse(san.Value, out var ip) ? ip.ToString() : san.Value),
                _ => throw new AcmeProblem("badCSR", $"The CSR asks for a {san.Kind} name; an ACME order covers dns and ip identifiers only."),
            });
        }
        var commonName = CommonName(csr.Subject);
        if (commonName is not null)
        {
            var cn = IPAddress.TryParse(commonName, out var ip) ? new AcmeIdentifier("ip", ip.ToString()) : new AcmeIdentifier("dns", commonName.ToLowerInvariant());
            if (!identifiers.Select(AcmeIdentifiers.Normalized).Contains(cn)) throw new AcmeProblem("badCSR", $"The CSR's common name {commonName} is not an identifier of the order.");
            requested.Add(cn);
        }
        var ordered = identifiers.Select(AcmeIdentifiers.Normalized).ToHashSet();
        if (!requested.SetEquals(ordered))
        {
            var missing = ordered.Except(requested).Select(i => i.Value);
            var extra = requested.Except(ordered).Select(i => i.Value);
            throw new AcmeProblem("badCSR", $"The CSR's names differ from the order's identifiers (missing: [{string.Join(", ", missing)}]; not ordered: [{string.Join(", ", extra)}]).");
        }
    }

    private static string? CommonName(byte[] subject)
    {
        foreach (var rdn in new X500DistinguishedName(subject).EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.3") return rdn.GetSingleElementValue();
        }
        return null;
    }

    // ---- authorizations and challenges ----

    private async Task<AcmeAuthorizationInfo> OwnAuthorizationAsync(Request r, string id)
    {
        var authorization = IsResourceId(id) ? await acme.GetAuthorizationAsync(id) : null;
        if (authorization is null) throw new AcmeProblem("malformed", "No such authorization.", 404);
        if (authorization.AccountId != r.Account!.Id) throw AcmeProblem.Unauthorized("The authorization belongs to another account.");
        return authorization;
    }

    private async Task<IResult> AuthorizationAsync(Request r, string id)
    {
        var authorization = await OwnAuthorizationAsync(r, id);
        if (!r.Jws.IsPostAsGet)
        {
            var payload = Payload(r.Jws);
            if (String(payload, "status") != "deactivated") throw AcmeProblem.Malformed("An authorization's status can only be set to \"deactivated\".");
            authorization = Unwrap(await acme.DeactivateAuthorizationAsync(id, r.Account!.Id));
        }
        if (authorization.Challenges.Any(c => c.Status == "processing")) r.Http.Response.Headers.RetryAfter = "2";
        return Answer(r, AcmeResponses.Authorization(authorization, r.Urls), StatusCodes.Status200OK, r.Urls.Authorization(id));
    }

    private async Task<IResult> ChallengeAsync(Request r, string authorizationId, string type)
    {
        var authorization = await OwnAuthorizationAsync(r, authorizationId);
        var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == type) ?? throw new AcmeProblem("malformed", "No such challenge.", 404);
        if (!r.Jws.IsPostAsGet)
        {
            Payload(r.Jws); // RFC 8555 §7.5.1: an empty JSON object (fields are ignored)
            var keyAuthorization = challenge.Token + "." + r.Account!.Thumbprint;
            authorization = Unwrap(await acme.RespondToChallengeAsync(authorizationId, r.Account.Id, type, keyAuthorization));
            challenge = authorization.Challenges.First(c => c.Type == type);
        }
        r.Http.Response.Headers.Append("Link", $"<{r.Urls.Authorization(authorizationId)}>;rel=\"up\"");
        if (challenge.Status == "processing") r.Http.Response.Headers.RetryAfter = "2";
        return Answer(r, AcmeResponses.Challenge(authorizationId, challenge, r.Urls), StatusCodes.Status200OK);
    }

    // ---- certificates ----

    private async Task<IResult> CertificateAsync(Request r, string orderId)
    {
        RequirePostAsGet(r.Jws, "A certificate");
        var order = await OwnOrderAsync(r, orderId);
        if (order.Status != "valid" || order.Serial is null) throw new AcmeProblem("malformed", "The order has no certificate (yet).", 404);
        var certificate = await port.GetCertificateAsync(order.Serial) ?? throw new AcmeProblem("malformed", "The certificate is not in the inventory.", 404);
        var profile = await ResolveProfileAsync(order.Profile) ?? r.Profile;
        var pem = new StringBuilder(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", certificate.Der)).Append('\n');
        using var issued = X509CertificateLoader.LoadCertificate(certificate.Der);
        // The chain from the CA certificate that signed it (earlier generations too, after a rollover), without the root.
        var chain = ChainFor(issued, profile);
        foreach (var der in chain) pem.Append(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
        AddNonce(r.Http);
        r.Http.Response.Headers.CacheControl = "no-store";
        r.Http.Response.Headers.Append("Link", $"<{r.Urls.Directory}>;rel=\"index\"");
        return Results.Text(pem.ToString(), "application/pem-certificate-chain", Encoding.ASCII, StatusCodes.Status200OK);
    }

    private static IReadOnlyList<byte[]> ChainFor(X509Certificate2 issued, EnrollmentProfile profile)
    {
        var candidates = profile.CaCertificates.Select(der => X509CertificateLoader.LoadCertificate(der)).ToList();
        try
        {
            var chain = new List<byte[]>();
            var current = issued;
            for (var depth = 0; depth < 8; depth++)
            {
                var parent = candidates.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)
                    && !c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) && SignedBy(current, c));
                if (parent is null) break;
                chain.Add(parent.RawData);
                current = parent;
            }
            return chain.Count > 0 ? chain : profile.Chain.Take(Math.Max(1, profile.Chain.Count - 1)).ToList();
        }
        finally
        {
            foreach (var c in candidates) c.Dispose();
        }
    }

    private static bool SignedBy(X509Certificate2 child, X509Certificate2 parent)
    {
        var ski = parent.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes;
        var aki = child.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        return ski is null || aki is null || ski.Value.Span.SequenceEqual(aki.Value.Span);
    }

    private static bool OwnedBy(Contracts.Inventory.CertificateInfo certificate, AcmeAccountInfo account) =>
        certificate.Protocol == EnrollmentProtocol.Acme
        && (certificate.Requester == $"{AuthenticationMethods.AcmeAccount}:{account.Id}"
            || (account.EabCredentialId is { } credential && certificate.Requester == $"{AuthenticationMethods.ExternalAccountBinding}:{credential}"));

    private async Task<IResult> RevokeAsync(Request r)
    {
        var payload = Payload(r.Jws);
        var certificateText = String(payload, "certificate") ?? throw AcmeProblem.Malformed("revokeCert needs the certificate (base64url DER).");
        if (!JwsBase64.TryDecode(certificateText, out var der)) throw AcmeProblem.Malformed("The certificate is not base64url.");
        X509Certificate2 presented;
        try
        {
            presented = X509CertificateLoader.LoadCertificate(der);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw AcmeProblem.Malformed("The certificate is not a DER X.509 certificate.");
        }
        using (presented)
        {
            var serial = Pkix.SerialNumbers.Canonical(presented.SerialNumberBytes.Span);
            var stored = await port.GetCertificateAsync(serial);
            if (stored is null || !stored.Der.AsSpan().SequenceEqual(der)) throw AcmeProblem.Unauthorized("The certificate was not issued by this gateway.");
            RevocationReason reason = RevocationReason.Unspecified;
            if (payload.TryGetProperty("reason", out var reasonElement))
            {
                if (reasonElement.ValueKind != JsonValueKind.Number || !reasonElement.TryGetInt32(out var code) || code is < 0 or > 10 or 7
                    || (RevocationReason)code is RevocationReason.CertificateHold or RevocationReason.RemoveFromCrl or RevocationReason.AaCompromise or RevocationReason.CaCompromise)
                    throw new AcmeProblem("badRevocationReason", "The reason is not one ACME clients may give (0, 1, 3, 4, 5 or 9).");
                reason = (RevocationReason)code;
            }
            string actor;
            if (r.Account is { } account)
            {
                if (!OwnedBy(stored, account)) throw AcmeProblem.Unauthorized("The account did not order this certificate.");
                actor = "acme-account:" + account.Id;
            }
            else
            {
                // Signed with the certificate's own key (RFC 8555 §7.6).
                Verified(r.Jws, r.Jws.Jwk, "revokeCert");
                var spki = presented.PublicKey.ExportSubjectPublicKeyInfo();
                if (!r.Jws.Jwk!.MatchesSubjectPublicKeyInfo(spki)) throw AcmeProblem.Unauthorized("The jwk is not the certificate's key.");
                actor = "acme-certificate-key:" + serial;
            }
            var result = await port.RevokeAsync(serial, reason, actor);
            switch (result.Status)
            {
                case RevocationStatus.Revoked: break;
                case RevocationStatus.AlreadyRevoked: throw new AcmeProblem("alreadyRevoked", "The certificate is revoked already.");
                case RevocationStatus.NotFound or RevocationStatus.NotRevocable: throw AcmeProblem.Unauthorized("The certificate was not issued by this gateway.");
                default: throw new AcmeProblem("badRevocationReason", $"The revocation was refused: {result.Status}.");
            }
            logger.LogInformation("ACME revokeCert {Serial} ({Reason}) by {Actor}", serial, reason, actor);
            AddNonce(r.Http);
            r.Http.Response.Headers.Append("Link", $"<{r.Urls.Directory}>;rel=\"index\"");
            return Results.Text("", "application/json", Encoding.UTF8, StatusCodes.Status200OK);
        }
    }

    // ---- ARI ----

    public async Task<IResult> RenewalInfoAsync(HttpContext http, string profileName, string id)
    {
        try
        {
            if (await ResolveProfileAsync(profileName) is null) throw new AcmeProblem("malformed", $"No profile '{profileName}' that allows ACME.", 404);
            var serial = AcmeRenewalInfo.SerialOf(id) ?? throw AcmeProblem.Malformed("The renewalInfo path is not an ARI certificate identifier (RFC 9773 §4.1).");
            var certificate = await port.GetCertificateAsync(serial) ?? throw new AcmeProblem("malformed", "No certificate of this gateway has that identifier.", 404);
            var window = AcmeRenewalInfo.Window(certificate, time.GetUtcNow());
            http.Response.Headers.RetryAfter = ((int)options.Value.RenewalInfoRetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers.CacheControl = "no-store";
            var body = new JsonObject
            {
                ["suggestedWindow"] = new JsonObject { ["start"] = AcmeResponses.Time(window.Start), ["end"] = AcmeResponses.Time(window.End) },
            };
            return AcmeEndpoints.Json(http, body, StatusCodes.Status200OK);
        }
        catch (AcmeProblem problem)
        {
            return AcmeEndpoints.Problem(http, problem);
        }
    }

    // ---- helpers ----

    /// <summary>
    /// Whether <paramref name="id"/> has the form of the ids the gateway gives accounts, orders and authorizations (128
    /// random bits, base64url: 22 characters): anything else is answered without a grain activation or a store read.
    /// </summary>
    internal static bool IsResourceId(ReadOnlySpan<char> id)
    {
        if (id.Length != 22) return false;
        foreach (var c in id)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')) return false;
        }
        return true;
    }

    private static AcmeProblem RateLimited(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = ((int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new AcmeProblem("rateLimited", detail, 429);
    }

    private static T Unwrap<T>(AcmeResult<T> result) =>
        result.Refusal is { } refusal ? throw new AcmeProblem(refusal.Type, refusal.Detail, refusal.Status) : result.Value!;

    private static bool? Bool(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw AcmeProblem.Malformed($"{name} is not a boolean."),
        } : null;

    private static string? String(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw AcmeProblem.Malformed($"{name} is not a string.") : null;

    private static DateTimeOffset? Timestamp(JsonElement payload, string name)
    {
        var text = String(payload, name);
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw AcmeProblem.Malformed($"{name} is not an RFC 3339 timestamp.");
    }

    private static IReadOnlyList<string> Contacts(JsonElement payload)
    {
        if (!payload.TryGetProperty("contact", out var contact)) return [];
        if (contact.ValueKind != JsonValueKind.Array) throw AcmeProblem.Malformed("contact is not an array.");
        var contacts = new List<string>();
        foreach (var item in contact.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new AcmeProblem("invalidContact", "A contact is not a string.");
            var value = item.GetString()!;
            if (!value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                throw new AcmeProblem("unsupportedContact", $"Only mailto: contacts are supported, not '{Truncate(value)}'.");
            var address = value["mailto:".Length..];
            if (address.Length is 0 or > 254 || address.Count(ch => ch == '@') != 1 || address.Contains(',') || address.Contains('?') || address.Any(char.IsWhiteSpace))
                throw new AcmeProblem("invalidContact", $"'{Truncate(value)}' is not a single mailto: address.");
            contacts.Add(value);
        }
        if (contacts.Count > MaxContacts) throw new AcmeProblem("invalidContact", $"At most {MaxContacts} contacts.");
        return contacts;
    }
}
