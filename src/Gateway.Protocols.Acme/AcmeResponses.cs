using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Contracts.Acme;
using Gateway.Protocols.Common;

namespace Gateway.Protocols.Acme;

/// <summary>The JSON of ACME resources (RFC 8555 §7.1) and their URLs under <c>/acme/&lt;profile&gt;/</c>.</summary>
internal sealed class AcmeUrls(string baseUrl, string profile)
{
    public string Base { get; } = baseUrl.TrimEnd('/') + "/acme/" + Uri.EscapeDataString(profile);

    /// <summary>The profile (directory) these URLs belong to.</summary>
    public string Profile { get; } = profile;

    public string Directory => Base + "/directory";
    public string NewNonce => Base + "/new-nonce";
    public string NewAccount => Base + "/new-account";
    public string NewOrder => Base + "/new-order";
    public string RevokeCert => Base + "/revoke-cert";
    public string KeyChange => Base + "/key-change";
    public string RenewalInfo => Base + "/renewal-info";
    public string Account(string id) => Base + "/acct/" + id;
    public string Orders(string accountId) => Base + "/acct/" + accountId + "/orders";
    public string Order(string id) => Base + "/order/" + id;
    public string Finalize(string orderId) => Base + "/order/" + orderId + "/finalize";
    public string Authorization(string id) => Base + "/authz/" + id;
    public string Challenge(string authorizationId, string type) => Base + "/chall/" + authorizationId + "/" + type;
    public string Certificate(string orderId) => Base + "/cert/" + orderId;
}

internal static class AcmeResponses
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Account(AcmeAccountInfo a, AcmeUrls urls)
    {
        var json = new JsonObject
        {
            ["status"] = a.Status,
            ["contact"] = new JsonArray([.. a.Contacts.Select(c => (JsonNode)JsonValue.Create(c)!)]),
            ["termsOfServiceAgreed"] = a.TermsOfServiceAgreed,
            ["orders"] = urls.Orders(a.Id),
            ["createdAt"] = Time(a.CreatedAt),
        };
        return json;
    }

    public static JsonObject Error(AcmeError e)
    {
        var type = e.Reason is { } reason ? RejectionMap.AcmeProblemType(reason) : AcmeProblem.Prefix + e.Type;
        return new JsonObject { ["type"] = type, ["detail"] = e.Detail, ["status"] = type.EndsWith(":serverInternal", StringComparison.Ordinal) ? 500 : 403 };
    }

    public static JsonObject Order(AcmeOrderInfo o, AcmeUrls urls)
    {
        var json = new JsonObject
        {
            ["status"] = o.Status,
            ["expires"] = Time(o.Expires),
            ["identifiers"] = Identifiers(o.Identifiers),
            ["authorizations"] = new JsonArray([.. o.AuthorizationIds.Select(id => (JsonNode)JsonValue.Create(urls.Authorization(id))!)]),
            ["finalize"] = urls.Finalize(o.Id),
            ["profile"] = o.Profile,
        };
        if (o.NotBefore is { } nb) json["notBefore"] = Time(nb);
        if (o.NotAfter is { } na) json["notAfter"] = Time(na);
        if (o.Replaces is { } replaces) json["replaces"] = replaces;
        if (o.Status == "valid" && o.Serial is not null) json["certificate"] = urls.Certificate(o.Id);
        if (o.Error is { } error) json["error"] = Error(error);
        return json;
    }

    public static JsonArray Identifiers(IEnumerable<AcmeIdentifier> identifiers) =>
        new([.. identifiers.Select(i => (JsonNode)new JsonObject { ["type"] = i.Type, ["value"] = i.Value })]);

    public static JsonObject Authorization(AcmeAuthorizationInfo a, AcmeUrls urls)
    {
        var json = new JsonObject
        {
            ["identifier"] = new JsonObject { ["type"] = a.Identifier.Type, ["value"] = a.Identifier.Value },
            ["status"] = a.Status,
            ["expires"] = Time(a.Expires),
            // A pre-authorised identifier has no challenge to show; a valid authorization shows the one that made it valid.
            ["challenges"] = new JsonArray([.. a.Challenges
                .Where(c => a.Status != "valid" || c.Status == "valid")
                .Where(_ => !a.PreAuthorized)
                .Select(c => (JsonNode)Challenge(a.Id, c, urls))]),
        };
        if (a.Wildcard) json["wildcard"] = true;
        return json;
    }

    public static JsonObject Challenge(string authorizationId, AcmeChallengeInfo c, AcmeUrls urls)
    {
        var json = new JsonObject
        {
            ["type"] = c.Type,
            ["url"] = urls.Challenge(authorizationId, c.Type),
            ["status"] = c.Status,
            ["token"] = c.Token,
        };
        if (c.Validated is { } validated) json["validated"] = Time(validated);
        if (c.Error is { } error) json["error"] = new JsonObject { ["type"] = AcmeProblem.Prefix + error.Type, ["detail"] = error.Detail, ["status"] = 403 };
        if (c.AddressesUsed.Count > 0)
            json["validationRecord"] = new JsonArray([.. c.AddressesUsed.Select(address => (JsonNode)new JsonObject { ["addressUsed"] = address })]);
        return json;
    }
}
