using System.Text;
using System.Text.Json;

namespace Gateway.Protocols.Acme.Jws;

/// <summary>
/// An ACME request body: a JWS in flattened JSON serialization (RFC 8555 §6.2, RFC 7515 §7.2.2) with a protected header
/// only. <see cref="Parse"/> checks the structure and the header rules; <see cref="VerifyWith"/> the signature.
/// </summary>
public sealed class JwsMessage
{
    /// <summary>The algorithms accepted (RFC 8555 §6.2: ES256 MUST; EdDSA and RS256 for the keys clients use).</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["ES256", "ES384", "ES512", "RS256", "EdDSA"];

    /// <summary>The most a protected header may be (base64url characters): room for an 8192-bit RSA jwk and more.</summary>
    public const int MaxProtectedLength = 8 * 1024;

    private JwsMessage(string alg, string nonce, string url, AcmeJwk? jwk, string? kid, byte[] payload, byte[] signature, byte[] signingInput)
    {
        Alg = alg;
        Nonce = nonce;
        Url = url;
        Jwk = jwk;
        Kid = kid;
        Payload = payload;
        Signature = signature;
        SigningInput = signingInput;
    }

    public string Alg { get; }

    public string Nonce { get; }

    /// <summary>The <c>url</c> header parameter: must equal the URL the request was sent to (the caller checks).</summary>
    public string Url { get; }

    /// <summary>The key, for requests signed with one (newAccount, revokeCert by certificate key); null with <see cref="Kid"/>.</summary>
    public AcmeJwk? Jwk { get; }

    /// <summary>The account URL, for requests by an existing account; null with <see cref="Jwk"/>.</summary>
    public string? Kid { get; }

    /// <summary>The payload bytes; empty for POST-as-GET.</summary>
    public byte[] Payload { get; }

    public bool IsPostAsGet => Payload.Length == 0;

    public byte[] Signature { get; }

    private byte[] SigningInput { get; }

    /// <summary>Parses <paramref name="body"/>; throws <see cref="AcmeProblem"/> (malformed, badSignatureAlgorithm, badPublicKey).</summary>
    public static JwsMessage Parse(ReadOnlySpan<byte> body) => Parse(body, requireNonce: true);

    /// <summary>
    /// Parses a JWS; <paramref name="requireNonce"/> false for the inner JWS of a key change (RFC 8555 §7.3.5), which
    /// carries no nonce.
    /// </summary>
    public static JwsMessage Parse(ReadOnlySpan<byte> body, bool requireNonce)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw AcmeProblem.Malformed("The request body is not JSON.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("The request body is not a JWS object.");
            string? protectedText = null, payloadText = null, signatureText = null;
            foreach (var member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "protected": protectedText = String(member.Value, "protected"); break;
                    case "payload": payloadText = String(member.Value, "payload"); break;
                    case "signature": signatureText = String(member.Value, "signature"); break;
                    case "header": throw AcmeProblem.Malformed("An ACME JWS has no unprotected header (RFC 8555 §6.2).");
                    case "signatures": throw AcmeProblem.Malformed("An ACME JWS has exactly one signature, in flattened JSON serialization.");
                    default: throw AcmeProblem.Malformed($"Unexpected JWS member '{member.Name}'.");
                }
            }
            if (protectedText is null || payloadText is null || signatureText is null)
                throw AcmeProblem.Malformed("A JWS needs protected, payload and signature.");
            if (protectedText.Length > MaxProtectedLength) throw AcmeProblem.Malformed("The protected header is too large.");
            if (!JwsBase64.TryDecode(protectedText, out var protectedBytes)) throw AcmeProblem.Malformed("The protected header is not base64url.");
            if (!JwsBase64.TryDecode(payloadText, out var payload)) throw AcmeProblem.Malformed("The payload is not base64url.");
            if (!JwsBase64.TryDecode(signatureText, out var signature) || signature.Length == 0) throw AcmeProblem.Malformed("The signature is not base64url.");

            var (alg, nonce, url, jwk, kid) = ParseHeader(protectedBytes, requireNonce);
            var signingInput = Encoding.ASCII.GetBytes(protectedText + "." + payloadText);
            return new JwsMessage(alg, nonce, url, jwk, kid, payload, signature, signingInput);
        }
    }

    private static (string Alg, string Nonce, string Url, AcmeJwk? Jwk, string? Kid) ParseHeader(byte[] protectedBytes, bool requireNonce)
    {
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(protectedBytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw AcmeProblem.Malformed("The protected header is not JSON.");
        }
        using (header)
        {
            var h = header.RootElement;
            if (h.ValueKind != JsonValueKind.Object) throw AcmeProblem.Malformed("The protected header is not a JSON object.");
            string? alg = null, nonce = null, url = null, kid = null;
            AcmeJwk? jwk = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in h.EnumerateObject())
            {
                if (!seen.Add(member.Name)) throw AcmeProblem.Malformed($"The protected header has '{member.Name}' twice.");
                switch (member.Name)
                {
                    case "alg": alg = String(member.Value, "alg"); break;
                    case "nonce": nonce = String(member.Value, "nonce"); break;
                    case "url": url = String(member.Value, "url"); break;
                    case "kid": kid = String(member.Value, "kid"); break;
                    case "jwk": jwk = AcmeJwk.Parse(member.Value); break;
                    case "crit": throw AcmeProblem.Malformed("No critical JWS extensions are supported.");
                    case "b64": throw AcmeProblem.Malformed("The b64 JWS extension is not supported.");
                    default: break; // RFC 7515: other header parameters are ignored when not understood (typ, cty, ...)
                }
            }
            if (alg is null) throw AcmeProblem.Malformed("The protected header has no alg.");
            if (!Algorithms.Contains(alg, StringComparer.Ordinal))
                throw AcmeProblem.BadSignatureAlgorithm($"Signature algorithm '{alg}' is not accepted.", Algorithms);
            if (nonce is null && requireNonce) throw new AcmeProblem("badNonce", "The protected header has no nonce.");
            if (nonce is not null && !requireNonce) throw AcmeProblem.Malformed("The inner JWS of a key change carries no nonce.");
            if (url is null) throw AcmeProblem.Malformed("The protected header has no url.");
            if ((jwk is null) == (kid is null)) throw AcmeProblem.Malformed("The protected header needs exactly one of jwk and kid.");
            if (jwk is not null && jwk.Algorithm != alg)
                throw AcmeProblem.BadSignatureAlgorithm($"Algorithm '{alg}' does not fit the {jwk.Kty} {jwk.Crv} key (use {jwk.Algorithm}).", Algorithms);
            return (alg, nonce ?? "", url, jwk, kid);
        }
    }

    /// <summary>Whether the signature verifies with <paramref name="key"/> (the header's jwk, or the account's key for a kid).</summary>
    /// <exception cref="AcmeProblem">badSignatureAlgorithm when <see cref="Alg"/> does not fit the key.</exception>
    public bool VerifyWith(AcmeJwk key)
    {
        if (key.Algorithm != Alg)
            throw AcmeProblem.BadSignatureAlgorithm($"Algorithm '{Alg}' does not fit the account's {key.Kty} key (use {key.Algorithm}).", Algorithms);
        try
        {
            return key.Verify(Alg, SigningInput, Signature);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The payload as JSON (null for POST-as-GET); throws malformed when it is not a JSON object.</summary>
    public JsonDocument? PayloadJson()
    {
        if (IsPostAsGet) return null;
        try
        {
            var document = JsonDocument.Parse(Payload, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
        }
        catch (JsonException)
        {
        }
        throw AcmeProblem.Malformed("The payload is not a JSON object.");
    }

    private static string String(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw AcmeProblem.Malformed($"'{name}' is not a string.");
}
