using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Protocols.Acme.Jws;

/// <summary>
/// The <c>externalAccountBinding</c> of a newAccount payload (RFC 8555 §7.3.4): a JWS whose protected header has an HMAC
/// alg (HS256, HS384, HS512), the EAB key id (an enrollment credential id) and the same url as the outer request, no
/// nonce; whose payload is the account's JWK; and whose signature is the HMAC under the credential's EAB key.
/// </summary>
public sealed class ExternalAccountBinding
{
    public static readonly IReadOnlyList<string> Algorithms = ["HS256", "HS384", "HS512"];

    private ExternalAccountBinding(string alg, string keyId, string url, AcmeJwk jwk, byte[] signingInput, byte[] signature)
    {
        Alg = alg;
        KeyId = keyId;
        Url = url;
        Jwk = jwk;
        _signingInput = signingInput;
        _signature = signature;
    }

    private readonly byte[] _signingInput;
    private readonly byte[] _signature;

    public string Alg { get; }

    /// <summary>The EAB key id: the enrollment credential's id.</summary>
    public string KeyId { get; }

    public string Url { get; }

    /// <summary>The account key the binding vouches for (must be the outer request's jwk).</summary>
    public AcmeJwk Jwk { get; }

    /// <summary>
    /// Parses the binding of a newAccount signed with <paramref name="outer"/>: malformed when it is not a well-formed EAB
    /// JWS, unauthorized when it binds another key or URL.
    /// </summary>
    public static ExternalAccountBinding Parse(JsonElement binding, JwsMessage outer)
    {
        if (binding.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("externalAccountBinding is not a JWS object.");
        string? protectedText = null, payloadText = null, signatureText = null;
        foreach (var member in binding.EnumerateObject())
        {
            if (member.Value.ValueKind != JsonValueKind.String) throw AcmeProblem.Malformed($"externalAccountBinding.{member.Name} is not a string.");
            switch (member.Name)
            {
                case "protected": protectedText = member.Value.GetString(); break;
                case "payload": payloadText = member.Value.GetString(); break;
                case "signature": signatureText = member.Value.GetString(); break;
                default: throw AcmeProblem.Malformed($"Unexpected externalAccountBinding member '{member.Name}'.");
            }
        }
        if (protectedText is null || payloadText is null || signatureText is null
            || !JwsBase64.TryDecode(protectedText, out var protectedBytes) || !JwsBase64.TryDecode(payloadText, out var payload)
            || !JwsBase64.TryDecode(signatureText, out var signature) || signature.Length == 0)
        {
            throw AcmeProblem.Malformed("externalAccountBinding needs base64url protected, payload and signature.");
        }
        string? alg = null, kid = null, url = null;
        try
        {
            using var header = JsonDocument.Parse(protectedBytes, new JsonDocumentOptions { MaxDepth = 4 });
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("The EAB protected header is not an object.");
            foreach (var member in header.RootElement.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "alg": alg = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null; break;
                    case "kid": kid = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null; break;
                    case "url": url = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null; break;
                    case "nonce": throw AcmeProblem.Malformed("The EAB protected header must not carry a nonce (RFC 8555 §7.3.4).");
                    case "jwk": throw AcmeProblem.Malformed("The EAB protected header carries kid, not jwk.");
                    case "crit": throw AcmeProblem.Malformed("No critical JWS extensions are supported.");
                }
            }
        }
        catch (JsonException)
        {
            throw AcmeProblem.Malformed("The EAB protected header is not JSON.");
        }
        if (alg is null || !Algorithms.Contains(alg, StringComparer.Ordinal))
            throw AcmeProblem.BadSignatureAlgorithm($"EAB algorithm '{alg}' is not accepted.", Algorithms);
        if (string.IsNullOrEmpty(kid)) throw AcmeProblem.Malformed("The EAB protected header has no kid.");
        if (url != outer.Url) throw AcmeProblem.Unauthorized("The EAB url is not the newAccount URL the request was sent to.");
        AcmeJwk jwk;
        try
        {
            using var key = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 4 });
            jwk = AcmeJwk.Parse(key.RootElement);
        }
        catch (JsonException)
        {
            throw AcmeProblem.Malformed("The EAB payload is not a JWK.");
        }
        if (outer.Jwk is null || jwk.Thumbprint != outer.Jwk.Thumbprint)
            throw AcmeProblem.Unauthorized("The EAB binds another key than the one that signed the newAccount request.");
        return new ExternalAccountBinding(alg, kid, url!, jwk, Encoding.ASCII.GetBytes(protectedText + "." + payloadText), signature);
    }

    /// <summary>Whether the HMAC verifies with the credential's EAB key (constant-time comparison).</summary>
    public bool Verify(byte[] hmacKey)
    {
        var expected = Alg switch
        {
            "HS256" => HMACSHA256.HashData(hmacKey, _signingInput),
            "HS384" => HMACSHA384.HashData(hmacKey, _signingInput),
            _ => HMACSHA512.HashData(hmacKey, _signingInput),
        };
        return CryptographicOperations.FixedTimeEquals(expected, _signature);
    }
}
